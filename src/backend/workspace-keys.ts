/**
 * Key math of the s3 backend (spec §2): state keys per workspace with Go `path.Join` semantics,
 * lock file keys, DynamoDB LockIDs, and the parsing of listed keys back into workspace names.
 */

/** Name of the workspace that always exists. */
export const DEFAULT_WORKSPACE = 'default';
/** Suffix of the S3 lock file (`<state key>.tflock`). */
export const LOCK_FILE_SUFFIX = '.tflock';
/** Suffix of the DynamoDB digest item's LockID. */
export const DIGEST_SUFFIX = '-md5';

/** Go `path.Clean`: collapses `//`, `.` and `..` segments; empty → `.`. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go `path.Join`: empty elements dropped, result cleaned; all empty → `""`. */
export function goPathJoin(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  if (nonEmpty.length === 0) return '';
  return goPathClean(nonEmpty.join('/'));
}

/** The key settings that decide where a workspace lives. */
export interface KeyLayout {
  /** State key of the `default` workspace. */
  key: string;
  /** Prefix of named workspaces (may be empty). */
  workspaceKeyPrefix: string;
}

/** State object key of `workspace`: the raw `key` for `default`, else `path.Join(prefix, workspace, key)`. */
export function workspaceStateKey(layout: KeyLayout, workspace: string): string {
  if (workspace === DEFAULT_WORKSPACE || workspace === '') return layout.key;
  return goPathJoin(layout.workspaceKeyPrefix, workspace, layout.key);
}

/** `<state key>.tflock`. */
export function lockFileKey(stateKey: string): string {
  return stateKey + LOCK_FILE_SUFFIX;
}

/** DynamoDB lock LockID and lock-info `Path`: `<bucket>/<state key>`. */
export function lockPath(bucket: string, stateKey: string): string {
  return `${bucket}/${stateKey}`;
}

/** DynamoDB digest LockID: `<bucket>/<state key>-md5`. */
export function digestLockId(bucket: string, stateKey: string): string {
  return lockPath(bucket, stateKey) + DIGEST_SUFFIX;
}

/** The `Prefix` used to list named workspaces: `<prefix>/`, or `""` when the prefix is empty. */
export function workspaceListPrefix(workspaceKeyPrefix: string): string {
  return workspaceKeyPrefix === '' ? '' : workspaceKeyPrefix + '/';
}

/**
 * Parses a listed object key back into a workspace name (the peers' `keyEnv`); `''` when the key
 * is not a named workspace's state object (default object, lock files, other keys, nested paths).
 */
export function workspaceFromKey(layout: KeyLayout, listedKey: string): string {
  const prefix = layout.workspaceKeyPrefix;
  let rest: string;
  if (prefix === '') {
    rest = listedKey;
  } else {
    const marker = prefix + '/';
    const at = listedKey.indexOf(marker);
    // The peers split after the first occurrence of `<prefix>/` and demand that the head is exactly it.
    if (at !== 0) return '';
    rest = listedKey.slice(marker.length);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) return '';
  const name = rest.slice(0, slash);
  const tail = rest.slice(slash + 1);
  return tail === layout.key ? name : '';
}

/** Go `sort.Strings` order (UTF-8 byte order) for workspace names. */
export function compareBytes(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

const PATH_SEGMENT_SAFE = /^[A-Za-z0-9\-_.~$&+:=@]*$/;

/**
 * Whether the CLI accepts `name` as a workspace name: it must equal Go `url.PathEscape(name)`
 * and must not be empty (Terraform's rule; OpenTofu accepts what PathEscape leaves unchanged).
 */
export function isValidWorkspaceName(name: string): boolean {
  return name !== '' && PATH_SEGMENT_SAFE.test(name);
}
