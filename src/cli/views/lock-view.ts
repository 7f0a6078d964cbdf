import { goTimeDisplay, type LockInfo } from '../../lock/lock-info.ts';
import type { LockStatus } from '../../lock/locker.ts';

const MECHANISM_NAME: Record<LockStatus['mechanism'], string> = {
  s3: 'S3 lock file',
  dynamodb: 'DynamoDB lock item',
};

/** Age of a lock as `1h2m3s` (seconds precision), or `unknown` when `Created` is unreadable. */
export function lockAge(created: string, now: Date): string {
  const t = Date.parse(created);
  if (Number.isNaN(t)) return 'unknown';
  let s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** The `Lock Info:` rows with the age after `Created` (for humans deciding whether a lock is stale). */
export function lockInfoRows(info: LockInfo, now: Date, indent = '  '): string {
  const row = (label: string, value: string): string => `${indent}${(label + ':').padEnd(11)}${value}\n`;
  return (
    row('ID', info.ID) +
    row('Path', info.Path) +
    row('Operation', info.Operation) +
    row('Who', info.Who) +
    row('Version', info.Version) +
    row('Created', `${goTimeDisplay(info.Created)} (${lockAge(info.Created, now)} ago)`) +
    row('Info', info.Info)
  );
}

/** `s3state lock info` human view. */
export function renderLockInfoHuman(workspace: string, statuses: LockStatus[], now: Date): string {
  if (statuses.length === 0) {
    return (
      `Locking is disabled for this backend: workspace "${workspace}" cannot be locked\n` +
      '(set use_lockfile = true or dynamodb_table to enable locking).\n'
    );
  }
  const held = statuses.filter((s) => s.holder);
  if (held.length === 0) {
    return (
      `No lock is held on workspace "${workspace}".\n` +
      statuses.map((s) => `  ${MECHANISM_NAME[s.mechanism]}: ${s.location} (free)\n`).join('')
    );
  }
  let out = `Workspace "${workspace}" is locked.\n`;
  for (const s of statuses) {
    out += `\n${MECHANISM_NAME[s.mechanism]}: ${s.location}\n`;
    out += s.holder ? 'Lock Info:\n' + lockInfoRows(s.holder, now) : '  (free)\n';
  }
  return out;
}

/**
 * `s3state lock info -json` document:
 * `{"workspace": string, "locking_enabled": bool, "locked": bool, "mechanisms": [{"mechanism": "s3"|"dynamodb",
 * "location": string, "holder": null | {"ID","Operation","Info","Who","Version","Created","Path","age_seconds"}}]}`.
 */
export function lockInfoJson(workspace: string, statuses: LockStatus[], now: Date): unknown {
  return {
    workspace,
    locking_enabled: statuses.length > 0,
    locked: statuses.some((s) => s.holder),
    mechanisms: statuses.map((s) => ({
      mechanism: s.mechanism,
      location: s.location,
      holder: s.holder
        ? {
            ...s.holder,
            age_seconds: Number.isNaN(Date.parse(s.holder.Created))
              ? null
              : Math.max(0, Math.floor((now.getTime() - Date.parse(s.holder.Created)) / 1000)),
          }
        : null,
    })),
  };
}
