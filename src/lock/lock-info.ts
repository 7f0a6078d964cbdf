import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { goQuote } from '../state/go-json.ts';

/**
 * The peers' `statemgr.LockInfo`. `Created` is kept as the RFC 3339 text (nanosecond precision) so a
 * lock read from the peers round-trips byte for byte.
 */
export interface LockInfo {
  /** Lock ID, 8-4-4-4-12 lowercase hex. */
  ID: string;
  /** What holds the lock (`OperationTypeApply`, `state-push`, `init`, …). */
  Operation: string;
  /** Free text, normally empty. */
  Info: string;
  /** `<user>@<host>`. */
  Who: string;
  /** Version of the tool that took the lock. */
  Version: string;
  /** RFC 3339 time, UTC with `Z`, up to 9 fractional digits. */
  Created: string;
  /** `<bucket>/<state key>`. */
  Path: string;
}

/** Options of {@link newLockInfo}. */
export interface NewLockInfoOptions {
  /** @default "" */
  operation?: string;
  /** @default "" */
  info?: string;
  /** @default `<os user>@<hostname>` */
  who?: string;
  /** @default the s3state version */
  version?: string;
  /** @default now */
  created?: Date;
  /** Set by the backend when the lock is taken. @default "" */
  path?: string;
  /** @default a fresh random ID */
  id?: string;
}

/** The s3state version recorded in lock infos by default. */
export const S3STATE_VERSION = '0.1.0';

/** A random ID formatted like go-uuid `GenerateUUID` (no version/variant bits). */
export function newLockId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `<os user>@<hostname>`, either part possibly empty. */
export function defaultWho(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? '';
  }
  let host: string;
  try {
    host = hostname();
  } catch {
    host = '';
  }
  return `${user}@${host}`;
}

/** A fresh lock info, like the peers' `statemgr.NewLockInfo` plus the caller's operation. */
export function newLockInfo(opts: NewLockInfoOptions = {}): LockInfo {
  return {
    ID: opts.id ?? newLockId(),
    Operation: opts.operation ?? '',
    Info: opts.info ?? '',
    Who: opts.who ?? defaultWho(),
    Version: opts.version ?? S3STATE_VERSION,
    Created: formatGoTime(opts.created ?? new Date(), opts.created ? 0 : subMillisecondNanos()),
    Path: opts.path ?? '',
  };
}

function subMillisecondNanos(): number {
  return Number(process.hrtime.bigint() % 1_000_000n);
}

/** RFC 3339 with trailing fractional zeros trimmed and `Z`, as Go marshals a UTC `time.Time`. */
export function formatGoTime(d: Date, extraNanos = 0): string {
  const iso = d.toISOString(); // 2026-01-02T03:04:05.678Z
  const base = iso.slice(0, 19);
  const nanos = d.getUTCMilliseconds() * 1_000_000 + extraNanos;
  return base + fraction(nanos) + 'Z';
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  return '.' + String(nanos).padStart(9, '0').replace(/0+$/, '');
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/**
 * Re-renders an RFC 3339 time as Go would after `json.Unmarshal` + `json.Marshal`: fraction trimmed,
 * zero offset written as `Z`, other offsets kept. Unparseable input is returned unchanged.
 */
export function normalizeGoTime(s: string): string {
  const m = RFC3339.exec(s);
  if (!m) return s;
  const nanos = Number((m[2] ?? '').padEnd(9, '0') || '0');
  let zone = (m[3] ?? 'Z').toUpperCase();
  if (zone === '+00:00' || zone === '-00:00') zone = 'Z';
  return m[1]!.replace(/t/i, 'T') + fraction(nanos) + zone;
}

/** Compact JSON identical to Go `json.Marshal(LockInfo)` (field order, HTML escaping, time format). */
export function marshalLockInfo(info: LockInfo): string {
  return (
    `{"ID":${goQuote(info.ID)},"Operation":${goQuote(info.Operation)},"Info":${goQuote(info.Info)},` +
    `"Who":${goQuote(info.Who)},"Version":${goQuote(info.Version)},"Created":${goQuote(normalizeGoTime(info.Created))},` +
    `"Path":${goQuote(info.Path)}}`
  );
}

/**
 * Parses lock-info JSON as Go's `json.Unmarshal` into `LockInfo` would: unknown fields ignored,
 * missing fields empty, field names matched case-insensitively. Throws `SyntaxError` on bad JSON.
 */
export function parseLockInfo(text: string): LockInfo {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SyntaxError('lock info is not a JSON object');
  }
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) lower.set(k.toLowerCase(), v);
  const field = (name: string): string => {
    const v = lower.get(name.toLowerCase());
    return typeof v === 'string' ? v : '';
  };
  return {
    ID: field('ID'),
    Operation: field('Operation'),
    Info: field('Info'),
    Who: field('Who'),
    Version: field('Version'),
    Created: field('Created') === '' ? '0001-01-01T00:00:00Z' : field('Created'),
    Path: field('Path'),
  };
}

/** Go's default `time.Time` String() form: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeDisplay(created: string): string {
  const m = RFC3339.exec(created);
  if (!m) return created;
  const frac = fraction(Number((m[2] ?? '').padEnd(9, '0') || '0'));
  const date = m[1]!.replace(/t/i, ' ');
  const zone = (m[3] ?? 'Z').toUpperCase();
  if (zone === 'Z' || zone === '+00:00' || zone === '-00:00') return `${date}${frac} +0000 UTC`;
  const off = zone.replace(':', '');
  return `${date}${frac} ${off} ${off}`;
}

/** The peers' `LockInfo.String()`: the `Lock Info:` block shown in lock errors (ends with a newline). */
export function formatLockInfo(info: LockInfo): string {
  const row = (label: string, value: string): string => `  ${(label + ':').padEnd(11)}${value}\n`;
  return (
    'Lock Info:\n' +
    row('ID', info.ID) +
    row('Path', info.Path) +
    row('Operation', info.Operation) +
    row('Who', info.Who) +
    row('Version', info.Version) +
    row('Created', goTimeDisplay(info.Created)) +
    row('Info', info.Info)
  );
}
