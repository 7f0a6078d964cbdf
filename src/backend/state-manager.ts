import { S3StateError, StateError } from '../errors.ts';
import { CombinedLocker } from '../lock/combined-locker.ts';
import { DynamoDBLocker } from '../lock/dynamodb-locker.ts';
import { newLockInfo, type LockInfo, type NewLockInfoOptions } from '../lock/lock-info.ts';
import { lockWithRetry } from '../lock/lock-with-retry.ts';
import type { LockStatus } from '../lock/locker.ts';
import { S3FileLocker } from '../lock/s3-file-locker.ts';
import { systemClock, type Clock } from '../remote/clock.ts';
import type { DynamoDBLike, S3Like } from '../remote/facades.ts';
import type { RemotePayload } from '../remote/remote-client.ts';
import { silentReporter, type CoreReporter } from '../remote/reporter.ts';
import { S3RemoteClient, md5Hex } from '../remote/s3-remote-client.ts';
import { newLineage } from '../state/lineage.ts';
import { parseState } from '../state/parse-state.ts';
import type { StateFile, StateFlavor } from '../state/state-file.ts';
import type { RawJson } from '../state/raw-json.ts';
import { sameJsonBytes } from '../state/same-json.ts';
import { emptyState, stateToJson, writeStateBytes } from '../state/write-state.ts';
import type { BackendSettings } from './backend-settings.ts';
import { scopedLock, type StateLock } from './state-lock.ts';
import { lockPath, workspaceStateKey } from './workspace-keys.ts';

/** The Terraform version s3state records in states it creates from nothing. */
export const DEFAULT_TERRAFORM_VERSION = '1.11.4';

/** Options shared by the backend and its state managers. */
export interface StateManagerOptions {
  settings: BackendSettings;
  s3: S3Like;
  /** Required when `settings.dynamodbTable` is set. */
  dynamodb?: DynamoDBLike | undefined;
  /** @default silent */
  reporter?: CoreReporter | undefined;
  /** @default the system clock */
  clock?: Clock | undefined;
  /** Writer to imitate for states s3state serialises. @default 'terraform' */
  flavor?: StateFlavor | undefined;
  /** `terraform_version` of states created from nothing. @default {@link DEFAULT_TERRAFORM_VERSION} */
  terraformVersion?: string | undefined;
  /** Multipart threshold of state uploads, bytes. @default 64 MiB */
  multipartThreshold?: number | undefined;
}

/** A state as read: parsed, with the exact bytes and their MD5. */
export interface ReadState {
  state: StateFile;
  payload: RemotePayload;
}

/** Outcome of {@link StateManager.write}. */
export interface WriteResult {
  /** False when the state equalled what was read (nothing to persist). */
  written: boolean;
  /** The state as stored (serial and lineage as written). */
  state: StateFile;
  /** MD5 of the stored bytes (when written). */
  md5?: string;
}

/** What to lock with: a full lock info, or the parts a caller usually sets. */
export type LockRequest = LockInfo | (NewLockInfoOptions & { timeoutMs?: number });

/**
 * One workspace's state: refresh (read), persist (write, with the peers' lineage/serial rules of
 * spec §5.3), scoped locks, lock inspection and force-unlock.
 */
export class StateManager {
  /** Workspace name. */
  readonly workspace: string;
  /** The workspace's state object key. */
  readonly stateKey: string;
  /** The byte-level client. */
  readonly client: S3RemoteClient;
  /** Lock file and/or DynamoDB locker. */
  readonly locker: CombinedLocker;
  private readonly opts: StateManagerOptions;
  private readonly clock: Clock;
  private snapshot: ReadState | undefined;
  private refreshed = false;

  constructor(workspace: string, opts: StateManagerOptions) {
    const s = opts.settings;
    this.workspace = workspace;
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.stateKey = workspaceStateKey(s, workspace);
    this.client = new S3RemoteClient({
      s3: opts.s3,
      dynamodb: opts.dynamodb,
      settings: s,
      stateKey: this.stateKey,
      reporter: opts.reporter,
      clock: this.clock,
      multipartThreshold: opts.multipartThreshold,
    });
    const path = lockPath(s.bucket, this.stateKey);
    let ddb: DynamoDBLocker | undefined;
    if (s.dynamodbTable) {
      if (!opts.dynamodb)
        throw new S3StateError('INTERNAL', 'dynamodb_table is set but no DynamoDB client was given');
      ddb = new DynamoDBLocker(opts.dynamodb, s.dynamodbTable, path);
    }
    this.locker = new CombinedLocker(
      s.useLockfile ? new S3FileLocker(opts.s3, s, this.stateKey) : undefined,
      ddb,
      opts.reporter ?? silentReporter,
    );
  }

  /** Whether a lock mechanism is configured (`dynamodb_table` or `use_lockfile`). */
  get lockingEnabled(): boolean {
    return this.locker.enabled;
  }

  /** The exact stored bytes (digest-checked), or undefined when there is no state. */
  readBytes(): Promise<RemotePayload | undefined> {
    return this.client.get();
  }

  /**
   * Refreshes from S3 and parses: undefined when there is no state. Remembers the snapshot for
   * {@link write}. Throws `StateError` naming the object for unreadable or encrypted states.
   */
  async read(): Promise<ReadState | undefined> {
    const payload = await this.client.get();
    this.refreshed = true;
    if (!payload) {
      this.snapshot = undefined;
      return undefined;
    }
    let state: StateFile;
    try {
      state = parseState(payload.data);
    } catch (e) {
      const err = e as StateError;
      const where = `s3://${this.opts.settings.bucket}/${this.stateKey}`;
      throw new StateError(`${err.message} (${where})`, {
        cause: e,
        detail: err.detail,
        hint: err.hint ?? `The object ${where} is not a state s3state can read; nothing was changed.`,
      });
    }
    this.snapshot = { state, payload };
    return this.snapshot;
  }

  /**
   * Persists `state` with the peers' rules (spec §5.3): after a read, an unchanged state (same
   * content, lineage and serial) is not written, anything else is written with serial + 1; with
   * nothing read, the object is refreshed and, when still absent, the state gets a new lineage and
   * serial 1. Call under a lock when others may write.
   */
  async write(state: StateFile): Promise<WriteResult> {
    if (!this.refreshed || !this.snapshot) await this.read();
    const read = this.snapshot;
    let next: StateFile;
    if (read) {
      const unchanged =
        read.state.lineage === state.lineage &&
        BigInt(read.state.serial) === BigInt(state.serial) &&
        sameContent(read.state, state);
      if (unchanged) return { written: false, state: read.state, md5: read.payload.md5 };
      next = { ...state, lineage: state.lineage || read.state.lineage, serial: BigInt(state.serial) + 1n };
    } else {
      next = { ...state, lineage: newLineage(), serial: 1n };
    }
    const bytes = writeStateBytes(next, { flavor: this.opts.flavor ?? 'terraform' });
    await this.client.put(bytes);
    const payload: RemotePayload = { data: bytes, md5: md5Hex(bytes) };
    this.snapshot = { state: next, payload };
    return { written: true, state: next, md5: payload.md5 };
  }

  /** Stores `data` exactly as given (no parsing, no serial rules); updates the digest. */
  async writeBytes(data: Uint8Array): Promise<void> {
    await this.client.put(data);
    this.refreshed = false;
    this.snapshot = undefined;
  }

  /** Writes an empty state with a fresh lineage and serial 1 (workspace creation). */
  async writeEmpty(): Promise<StateFile> {
    const s = emptyState({
      lineage: newLineage(),
      serial: 1,
      terraformVersion: this.opts.terraformVersion ?? DEFAULT_TERRAFORM_VERSION,
    });
    const bytes = writeStateBytes(s, { flavor: this.opts.flavor ?? 'terraform' });
    await this.client.put(bytes);
    this.refreshed = false;
    this.snapshot = undefined;
    return s;
  }

  /**
   * Takes the lock (all configured mechanisms), retrying with back-off until `timeoutMs`.
   * Use with `await using`. With locking disabled the returned lock has `id === ""`.
   */
  async lock(req: LockRequest = {}): Promise<StateLock> {
    const timeoutMs = 'timeoutMs' in req ? (req.timeoutMs ?? 0) : 0;
    const base: LockInfo = isLockInfo(req) ? req : newLockInfo(req);
    const info: LockInfo = { ...base, Path: lockPath(this.opts.settings.bucket, this.stateKey) };
    if (!this.locker.enabled) return scopedLock('', info, false, () => Promise.resolve());
    const id = await lockWithRetry(this.locker, info, {
      timeoutMs,
      clock: this.clock,
      onRetry: (_e, ms) =>
        (this.opts.reporter ?? silentReporter)({
          level: 'info',
          message: `state locked by someone else; retrying in ${ms} ms`,
        }),
    });
    return scopedLock(id, info, true, (lockId) => this.locker.unlock(lockId));
  }

  /** Who holds the lock, per configured mechanism (empty list when locking is disabled). */
  lockInfo(): Promise<LockStatus[]> {
    return this.locker.inspect();
  }

  /** Releases a lock held by anyone, given its ID (the holder's ID must match in every mechanism). */
  async forceUnlock(id: string): Promise<void> {
    if (!this.locker.enabled) {
      throw new S3StateError('LOCK', 'Locking is disabled for this backend.', {
        hint: 'Set dynamodb_table or use_lockfile to enable state locking.',
      });
    }
    await this.locker.unlock(id);
  }
}

function isLockInfo(req: LockRequest): req is LockInfo {
  return 'ID' in req && typeof req.ID === 'string' && 'Created' in req;
}

/** Same content ignoring the header (version, lineage, serial), as the peers' `StatesMarshalEqual`. */
function sameContent(a: StateFile, b: StateFile): boolean {
  // Equal serialisations, decided by walking both trees (no serialising, no building of lazily
  // parsed attributes whose source text is identical).
  const norm = (s: StateFile): RawJson =>
    stateToJson({ ...s, lineage: '', serial: 0n, terraformVersion: '' }, 'terraform');
  return sameJsonBytes(norm(a), norm(b));
}
