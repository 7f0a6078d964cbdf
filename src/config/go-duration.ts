/** Nanoseconds per Go duration unit (`time.ParseDuration`'s unit table). */
const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = (1n << 63n) - 1n;

/** Go's `strconv.Quote` for the ASCII texts that appear in duration errors. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Result of {@link parseGoDuration}: nanoseconds, or Go's error text (`time: unknown unit "x" in duration "1x"`). */
export type GoDurationResult = { ok: true; nanos: bigint } | { ok: false; error: string };

/**
 * Parses a duration string exactly like Go's `time.ParseDuration` ("300ms", "-1.5h", "2h45m"),
 * including its error messages.
 */
export function parseGoDuration(orig: string): GoDurationResult {
  const invalid = (): GoDurationResult => ({ ok: false, error: `time: invalid duration ${quote(orig)}` });
  let s = orig;
  let neg = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return { ok: true, nanos: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    const c0 = s[0] as string;
    if (!(c0 === '.' || (c0 >= '0' && c0 <= '9'))) return invalid();
    const intM = /^[0-9]*/.exec(s)?.[0] ?? '';
    const pre = intM.length > 0;
    let v = intM === '' ? 0n : BigInt(intM);
    if (v > MAX) return invalid();
    s = s.slice(intM.length);
    let frac = '';
    let post = false;
    if (s.startsWith('.')) {
      s = s.slice(1);
      frac = /^[0-9]*/.exec(s)?.[0] ?? '';
      post = frac.length > 0;
      s = s.slice(frac.length);
    }
    if (!pre && !post) return invalid();
    let i = 0;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === '.' || (c >= '0' && c <= '9')) break;
      i++;
    }
    if (i === 0) return { ok: false, error: `time: missing unit in duration ${quote(orig)}` };
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined)
      return { ok: false, error: `time: unknown unit ${quote(u)} in duration ${quote(orig)}` };
    if (v > MAX / unit) return invalid();
    v *= unit;
    if (frac !== '') {
      // Go truncates the fractional part toward zero.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
      if (v > MAX) return invalid();
    }
    total += v;
    if (total > MAX) return invalid();
  }
  return { ok: true, nanos: neg ? -total : total };
}

function fmtFrac(v: bigint, prec: number): { digits: string; rest: bigint } {
  let digits = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const d = v % 10n;
    printed = printed || d !== 0n;
    if (printed) digits = d.toString() + digits;
    v /= 10n;
  }
  return { digits: printed ? '.' + digits : '', rest: v };
}

/** Formats nanoseconds like Go's `time.Duration.String()` (`15m0s`, `12h0m0s`, `1.5s`, `300ms`). */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1_000n) return (neg ? '-' : '') + u.toString() + 'ns';
    if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const f = fmtFrac(u, prec);
    out = f.rest.toString() + f.digits + unit;
  } else {
    const f = fmtFrac(u, 9);
    u = f.rest;
    out = (u % 60n).toString() + f.digits + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}
