import { s3Command } from '../aws/sdk-command.ts';
import { S3StateError, UsageError } from '../errors.ts';
import { goStyleAwsErrorText, isAccessDenied, isNoSuchBucket } from '../aws/aws-errors.ts';
import { errorText } from '../lock/lock-error.ts';
import { noSuchBucketError } from '../remote/s3-remote-client.ts';
import { silentReporter, type CoreReporter } from '../remote/reporter.ts';
import { StateManager, type StateManagerOptions } from './state-manager.ts';
import {
  DEFAULT_WORKSPACE,
  compareBytes,
  isValidWorkspaceName,
  workspaceFromKey,
  workspaceListPrefix,
} from './workspace-keys.ts';

/** Options of {@link S3Backend}: settings, the two SDK facades, and optional reporter/clock/writer. */
export type S3BackendOptions = StateManagerOptions;

/** Options of {@link S3Backend.stateManager}. */
export interface StateManagerRequest {
  /**
   * Create a missing named workspace as the peers' `StateMgr` does (lock with operation `init`,
   * write an empty state with serial 1, unlock). @default true
   */
  create?: boolean;
}

/**
 * The `s3` backend: workspaces (list, create, delete) and a {@link StateManager} per workspace,
 * sharing one bucket and lock table with `terraform` and `tofu` (spec §2).
 */
export class S3Backend {
  readonly opts: S3BackendOptions;
  private readonly reporter: CoreReporter;

  constructor(opts: S3BackendOptions) {
    if (opts.settings.dynamodbTable && !opts.dynamodb) {
      throw new S3StateError('INTERNAL', 'dynamodb_table is set but no DynamoDB client was given');
    }
    this.opts = opts;
    this.reporter = opts.reporter ?? silentReporter;
  }

  /**
   * Workspace names as `terraform workspace list` shows them: `default` first, then the names
   * parsed from `ListObjectsV2` (all pages, no delimiter) in byte order. An `AccessDenied` while
   * listing stops the listing and returns what was found (OpenTofu's behaviour).
   */
  async workspaces(): Promise<string[]> {
    const s = this.opts.settings;
    const prefix = workspaceListPrefix(s.workspaceKeyPrefix);
    const names: string[] = [];
    let token: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.opts.s3.send(
          s3Command(this.opts.s3, 'ListObjectsV2', {
            Bucket: s.bucket,
            Prefix: prefix,
            MaxKeys: 1000,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (e) {
        if (isNoSuchBucket(e)) throw noSuchBucketError(s.bucket, e, '', 'ListObjectsV2');
        if (isAccessDenied(e)) {
          this.reporter({
            level: 'warn',
            message: `Unable to list objects in S3 bucket "${s.bucket}" with prefix "${prefix}": access denied; listing only the workspaces found so far`,
          });
          break;
        }
        throw new S3StateError(
          'AWS',
          `Unable to list objects in S3 bucket "${s.bucket}" with prefix "${prefix}": ${goStyleAwsErrorText(e, 'S3', 'ListObjectsV2')}`,
          { cause: e },
        );
      }
      for (const obj of out.Contents ?? []) {
        const name = workspaceFromKey(s, obj.Key ?? '');
        if (name !== '') names.push(name);
      }
      if (!out.IsTruncated || !out.NextContinuationToken) break;
      token = out.NextContinuationToken;
    }
    names.sort(compareBytes);
    return [DEFAULT_WORKSPACE, ...names];
  }

  /**
   * The state manager of `workspace`. A named workspace that is not listed is created first, as
   * the peers do (unless `create: false`).
   */
  async stateManager(
    workspace: string = DEFAULT_WORKSPACE,
    req: StateManagerRequest = {},
  ): Promise<StateManager> {
    const ws = workspace === '' ? DEFAULT_WORKSPACE : workspace;
    if (ws !== DEFAULT_WORKSPACE && !isValidWorkspaceName(ws)) {
      throw new UsageError(`Invalid workspace name ${JSON.stringify(ws)}`, {
        hint: 'Workspace names may use letters, digits and - _ . ~ $ & + : = @ (they become part of an S3 key).',
      });
    }
    const mgr = new StateManager(ws, this.opts);
    if (ws === DEFAULT_WORKSPACE || req.create === false) return mgr;
    const existing = await this.workspaces();
    if (existing.includes(ws)) return mgr;
    await this.createWorkspaceState(mgr);
    return mgr;
  }

  /** Creates `workspace` (error when it exists or is `default`). */
  async createWorkspace(workspace: string): Promise<StateManager> {
    if (workspace === DEFAULT_WORKSPACE || workspace === '') {
      throw new UsageError('Workspace "default" already exists');
    }
    const existing = await this.workspaces();
    if (existing.includes(workspace))
      throw new UsageError(`Workspace ${JSON.stringify(workspace)} already exists`);
    return this.stateManager(workspace);
  }

  private async createWorkspaceState(mgr: StateManager): Promise<void> {
    let lock;
    try {
      lock = await mgr.lock({ operation: 'init' });
    } catch (e) {
      throw new S3StateError('LOCK', `failed to lock s3 state: ${errorText(e)}`, { cause: e });
    }
    try {
      if (!(await mgr.readBytes())) await mgr.writeEmpty();
    } finally {
      try {
        await lock.release();
      } catch (e) {
        // Peers' errStateUnlock text.
        // eslint-disable-next-line no-unsafe-finally
        throw new S3StateError(
          'LOCK',
          `Error unlocking S3 state. Lock ID: ${lock.id}\n\nError: ${errorText(e)}\n\nYou may have to force-unlock this state in order to use it again.`,
          { cause: e },
        );
      }
    }
  }

  /**
   * Deletes a named workspace: its state object, then its digest item. Refuses `default`. The lock
   * file and lock item are left alone (as the peers do).
   */
  async deleteWorkspace(workspace: string): Promise<void> {
    if (workspace === DEFAULT_WORKSPACE || workspace === '') {
      throw new UsageError("can't delete default state");
    }
    const mgr = new StateManager(workspace, this.opts);
    await mgr.client.delete();
  }
}
