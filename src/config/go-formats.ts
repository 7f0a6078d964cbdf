/**
 * Small re-implementations of Go library behaviour whose error texts appear in the peers' diagnostics:
 * `aws/arn.Parse`, `encoding/base64.StdEncoding.DecodeString`, `net/url.Parse` (scheme part) and
 * `fmt`'s `%q` of a string slice.
 */

/** A parsed ARN (`arn:partition:service:region:account:resource`). */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Like aws-sdk-go-v2 `arn.Parse`: the ARN, or its error text (`arn: invalid prefix`, `arn: not enough sections`). */
export function parseArn(s: string): { ok: true; arn: Arn } | { ok: false; error: string } {
  if (!s.startsWith('arn:')) return { ok: false, error: 'arn: invalid prefix' };
  const parts = s.split(':');
  if (parts.length < 6) return { ok: false, error: 'arn: not enough sections' };
  return {
    ok: true,
    arn: {
      partition: parts[1] as string,
      service: parts[2] as string,
      region: parts[3] as string,
      accountId: parts[4] as string,
      resource: parts.slice(5).join(':'),
    },
  };
}

/** Like `arn.IsARN`: starts with `arn:` and has at least 5 colons. */
export function isArn(s: string): boolean {
  return s.startsWith('arn:') && s.split(':').length - 1 >= 5;
}

const B64 = /[A-Za-z0-9+/]/;

/**
 * Go `base64.StdEncoding.DecodeString` error text for `s`
 * (`illegal base64 data at input byte N`), or undefined when it decodes.
 */
export function goBase64Error(s: string): string | undefined {
  const err = (n: number) => `illegal base64 data at input byte ${n}`;
  const n = s.length;
  let si = 0;
  const skipNl = () => {
    while (si < n && (s[si] === '\n' || s[si] === '\r')) si++;
  };
  while (si < n) {
    for (let j = 0; j < 4; j++) {
      skipNl();
      if (si === n) {
        if (j === 0) return undefined;
        return err(si - j);
      }
      const c = s[si] as string;
      si++;
      if (B64.test(c)) continue;
      if (c !== '=') return err(si - 1);
      // Padding.
      if (j === 0 || j === 1) return err(si - 1);
      if (j === 2) {
        skipNl();
        if (si === n) return err(n);
        if (s[si] !== '=') return err(si - 1);
        si++;
      }
      skipNl();
      if (si < n) return err(si);
      return undefined;
    }
  }
  return undefined;
}

/**
 * The parts of Go `url.Parse` that matter for endpoint validation: returns the error text
 * (`parse "x": first path segment in URL cannot contain colon`, `… missing protocol scheme`) or the
 * scheme and host found.
 */
export function goParseUrl(
  raw: string,
): { ok: true; scheme: string; host: string } | { ok: false; error: string } {
  const fail = (why: string) => ({ ok: false as const, error: `parse ${JSON.stringify(raw)}: ${why}` });
  // ASCII control characters are rejected first.
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return fail('net/url: invalid control character in URL');
  }
  let rest = raw;
  let scheme = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return fail('missing protocol scheme');
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  if (q !== -1) rest = rest.slice(0, q);
  if (scheme === '') {
    const slash = rest.indexOf('/');
    const seg = slash === -1 ? rest : rest.slice(0, slash);
    if (seg.includes(':') && !rest.startsWith('/'))
      return fail('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || rest.startsWith('//')) && rest.startsWith('//')) {
    const after = rest.slice(2);
    const end = after.indexOf('/');
    host = end === -1 ? after : after.slice(0, end);
    const at = host.lastIndexOf('@');
    if (at !== -1) host = host.slice(at + 1);
  }
  return { ok: true, scheme, host };
}

/** Go `fmt.Sprintf("%q", []string{…})`: `["a" "b"]`. */
export function goQuoteSlice(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
