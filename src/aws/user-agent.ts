/** s3state's version as sent in the user agent. Keep in step with package.json. */
export const S3STATE_VERSION = '0.1.0';

/**
 * The extra user-agent product tokens s3state adds to every AWS request, as `[name, version]`
 * pairs for the SDK's `customUserAgent`:
 * 1. the partner token `APN/1.0 s3state-S3-Backend/1.0` (OpenTofu sends `OpenTofu-S3-Backend`);
 * 2. the product `s3state/<version>`;
 * 3. the tokens of `TF_APPEND_USER_AGENT` (whitespace separated, `name/version` each), verbatim.
 */
export function userAgentPairs(append: string | undefined): [string, string?][] {
  const pairs: [string, string?][] = [
    ['APN', '1.0'],
    ['s3state-S3-Backend', '1.0'],
    ['s3state', S3STATE_VERSION],
  ];
  for (const token of (append ?? '').trim().split(/\s+/)) {
    if (token === '') continue;
    const slash = token.indexOf('/');
    pairs.push(slash > 0 ? [token.slice(0, slash), token.slice(slash + 1)] : [token]);
  }
  return pairs;
}
