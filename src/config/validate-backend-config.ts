import type { Diagnostic } from '../errors.ts';
import { isKnownRegion } from './aws-regions.ts';
import { FLAT_ASSUME_ROLE_ATTRIBUTES, findAttribute, type Flavor } from './backend-attributes.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';
import { goBase64Error, goParseUrl, goQuoteSlice, isArn, parseArn } from './go-formats.ts';

type Values = Record<string, unknown>;
type Env = Record<string, string | undefined>;

const err = (summary: string, detail: string, path?: string): Diagnostic =>
  path === undefined ? { severity: 'error', summary, detail } : { severity: 'error', summary, detail, path };
const warn = (summary: string, detail: string, path?: string): Diagnostic =>
  path === undefined
    ? { severity: 'warning', summary, detail }
    : { severity: 'warning', summary, detail, path };

function str(obj: Values, name: string): string | undefined {
  const v = obj[name];
  return typeof v === 'string' ? v : undefined;
}
function isSet(obj: Values, name: string): boolean {
  return obj[name] !== undefined && obj[name] !== null;
}
function obj(values: Values, name: string): Values | undefined {
  const v = values[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Values) : undefined;
}
function strList(obj: Values, name: string): string[] | undefined {
  const v = obj[name];
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** Text of OpenTofu's and Terraform's kms_key_id / sse_customer_key conflict (config form). */
export const ENCRYPTION_KEY_CONFLICT_DETAIL =
  'Only one of "kms_key_id" and "sse_customer_key" can be set.\n\n' +
  'The "kms_key_id" is used for encryption with KMS-Managed Keys (SSE-KMS)\n' +
  'while "sse_customer_key" is used for encryption with customer-managed keys (SSE-C).\n' +
  'Please choose one or the other.';

/** Text of the kms_key_id / `AWS_SSE_CUSTOMER_KEY` conflict (both peers). */
export const ENCRYPTION_KEY_ENV_CONFLICT_DETAIL =
  'Only one of "kms_key_id" and the environment variable "AWS_SSE_CUSTOMER_KEY" can be set.\n\n' +
  'The "kms_key_id" is used for encryption with KMS-Managed Keys (SSE-KMS)\n' +
  'while "AWS_SSE_CUSTOMER_KEY" is used for encryption with customer-managed keys (SSE-C).\n' +
  'Please choose one or the other.';

const REQUIRED_TAIL =
  'Refer to the backend documentation for additional information which attributes are required.';

/** `Missing Required Value` for an attribute path (both peers' text). */
export function missingRequired(path: string): Diagnostic {
  return err(
    'Missing Required Value',
    `The attribute "${path}" is required by the backend.\n\n${REQUIRED_TAIL}`,
    path,
  );
}

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[1-5][a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}';
const MRK = 'mrk-[a-f0-9]{32}';
const ALIAS = 'alias/[a-zA-Z0-9/_-]+';
// Deliberately ungrouped, as in both peers' validate.go: `^uuid` OR `mrk-…` anywhere OR `alias/…$`.
const KEY_ID_RE = new RegExp(`^${UUID}|${MRK}|${ALIAS}$`);
const KEY_ARN_RESOURCE_RE = new RegExp(`^key/(${UUID}|${MRK})$`);
const ALIAS_ARN_RESOURCE_RE = new RegExp(`^(${ALIAS})$`);

/**
 * Validates a `kms_key_id` like both peers' `validateKMSKey`: an ARN must have a `key/<uuid|mrk-…>`
 * or `alias/…` resource; anything else must match the (ungrouped) key-ID pattern.
 */
export function validateKmsKey(value: string, path = 'kms_key_id'): Diagnostic[] {
  if (isArn(value)) {
    const p = parseArn(value);
    if (!p.ok || !(KEY_ARN_RESOURCE_RE.test(p.arn.resource) || ALIAS_ARN_RESOURCE_RE.test(p.arn.resource))) {
      return [
        err('Invalid KMS Key ARN', `Value must be a valid KMS Key ARN, got ${JSON.stringify(value)}`, path),
      ];
    }
    return [];
  }
  if (!KEY_ID_RE.test(value)) {
    return [
      err('Invalid KMS Key ID', `Value must be a valid KMS Key ID, got ${JSON.stringify(value)}`, path),
    ];
  }
  return [];
}

const MIN_DURATION = 15n * 60n * 1_000_000_000n;
const MAX_DURATION = 12n * 3600n * 1_000_000_000n;

/** Validates a session duration string (Go duration between 15m and 12h), in the flavor's words. */
export function validateDuration(value: string, path: string, flavor: Flavor): Diagnostic[] {
  const r = parseGoDuration(value);
  if (!r.ok) {
    return [
      err(
        'Invalid Duration',
        `The value ${JSON.stringify(value)} cannot be parsed as a duration: ${r.error}`,
        path,
      ),
    ];
  }
  if (r.nanos < MIN_DURATION || r.nanos > MAX_DURATION) {
    // OpenTofu echoes the string as written; Terraform prints the parsed duration.
    const had = flavor === 'opentofu' ? value : formatGoDuration(r.nanos);
    return [err('Invalid Duration', `Duration must be between 15m0s and 12h0m0s, had ${had}`, path)];
  }
  return [];
}

function nonEmpty(value: string, path: string): Diagnostic[] {
  return value.trim() === ''
    ? [err('Invalid Value', 'The value cannot be empty or all whitespace', path)]
    : [];
}

/** OpenTofu's policy ARN list check: one `Invalid ARN` stops; each non-`policy/` resource is reported. */
function tofuPolicyArns(list: string[], path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of list) {
    const p = parseArn(v);
    if (!p.ok) {
      out.push(
        err('Invalid ARN', `The value ${goQuoteSlice(list)} cannot be parsed as an ARN: ${p.error}`, path),
      );
      break;
    }
    if (!p.arn.resource.startsWith('policy/')) {
      out.push(
        err(
          'Invalid IAM Policy ARN',
          `Value must be a valid IAM Policy ARN, got ${goQuoteSlice(list)}`,
          path,
        ),
      );
    }
  }
  return out;
}

/** Terraform's per-element ARN checks (`resourcePrefix` = `policy/` or `role/`). */
function tfArn(v: string, path: string, kind: 'policy' | 'role'): Diagnostic[] {
  const p = parseArn(v);
  if (!p.ok) {
    return [
      err('Invalid ARN', `The value ${JSON.stringify(v)} cannot be parsed as an ARN: ${p.error}`, path),
    ];
  }
  if (!p.arn.resource.startsWith(`${kind}/`)) {
    const label = kind === 'policy' ? 'IAM Policy ARN' : 'IAM Role ARN';
    return [err(`Invalid ${label}`, `Value must be a valid ${label}, got ${JSON.stringify(v)}`, path)];
  }
  return [];
}

function lengthBetween(v: string, min: number, max: number, path: string): Diagnostic[] {
  const n = [...Buffer.from(v, 'utf8').toString()].length;
  return n < min || n > max
    ? [err('Invalid Value Length', `Length must be between ${min} and ${max}, had ${n}`, path)]
    : [];
}

function matches(v: string, re: RegExp, description: string, path: string): Diagnostic[] {
  return re.test(v) ? [] : [err('Invalid Value', description, path)];
}

/** Terraform's IAM policy document check (`validateIAMPolicyDocument`). */
export function validateIamPolicyDocument(v: string, path: string): Diagnostic[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    const msg = (e as Error).message;
    const trimmed = v.trimEnd();
    let detail: string;
    if (/end of JSON input|Unterminated|Expected .* after/.test(msg) || trimmed === '') {
      detail = `unexpected end of JSON input, at byte offset ${Buffer.byteLength(v)}`;
    } else {
      const pos = /position (\d+)/.exec(msg);
      const at = pos ? Number(pos[1]) : 0;
      const ch = v[at] ?? '';
      detail = `invalid character '${ch}' looking for beginning of value, at byte offset ${at + 1}`;
    }
    return [err('Invalid JSON Document', `The JSON document contains an error: ${detail}`, path)];
  }
  if (typeof parsed === 'string') {
    let inner: boolean;
    try {
      JSON.parse(parsed);
      inner = true;
    } catch {
      inner = false;
    }
    return [
      err(
        'Invalid IAM Policy Document',
        'Expected a JSON object describing the policy, had a JSON-encoded string.' +
          (inner
            ? '\n\nThe string content was valid JSON, your policy document may have been double-encoded.'
            : ''),
        path,
      ),
    ];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return [err('Invalid IAM Policy Document', 'Expected a JSON object describing the policy', path)];
  }
  return [];
}

/** Runs checks in order and keeps only the first failure (Terraform's per-attribute validator lists). */
function firstOf(...checks: (() => Diagnostic[])[]): Diagnostic[] {
  for (const c of checks) {
    const d = c();
    if (d.length > 0) return d;
  }
  return [];
}

function conflict(values: Values, a: string, b: string, prefix = ''): Diagnostic[] {
  return isSet(values, a) && isSet(values, b)
    ? [
        err(
          'Invalid Attribute Combination',
          `Only one of ${a}, ${b} can be set.`,
          prefix === '' ? undefined : prefix,
        ),
      ]
    : [];
}

/** OpenTofu's `formatDeprecated`: `  * <old> -> <new>` lines, padded to the longest name so far. */
function formatDeprecated(names: string[]): string {
  let maxLen = 0;
  let out = '';
  for (const name of [...names].sort()) {
    maxLen = Math.max(maxLen, name.length);
    out += `  * ${name.padEnd(maxLen)} -> ${findAttribute(name)?.deprecated?.replacement ?? ''}\n`;
  }
  return out;
}

const ENDPOINT_LEGACY: readonly (readonly [string, string])[] = [
  ['s3', 'endpoint'],
  ['iam', 'iam_endpoint'],
  ['sts', 'sts_endpoint'],
  ['dynamodb', 'dynamodb_endpoint'],
];

function validateSseKeys(values: Values, env: Env): Diagnostic[] {
  const key = str(values, 'sse_customer_key');
  if (key !== undefined) {
    if (key.length !== 44) {
      return [
        err(
          'Invalid sse_customer_key value',
          'sse_customer_key must be 44 characters in length',
          'sse_customer_key',
        ),
      ];
    }
    const e = goBase64Error(key);
    return e
      ? [
          err(
            'Invalid sse_customer_key value',
            `sse_customer_key must be base64 encoded: ${e}`,
            'sse_customer_key',
          ),
        ]
      : [];
  }
  const envKey = env.AWS_SSE_CUSTOMER_KEY;
  if (envKey !== undefined && envKey !== '') {
    if (envKey.length !== 44) {
      return [
        err(
          'Invalid AWS_SSE_CUSTOMER_KEY value',
          'The environment variable "AWS_SSE_CUSTOMER_KEY" must be 44 characters in length',
        ),
      ];
    }
    const e = goBase64Error(envKey);
    if (e) {
      return [
        err(
          'Invalid AWS_SSE_CUSTOMER_KEY value',
          `The environment variable "AWS_SSE_CUSTOMER_KEY" must be base64 encoded: ${e}`,
        ),
      ];
    }
  }
  return [];
}

/** aws-sdk-go-base's check of `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` when the attribute is unset (both peers). */
function validateImdsModeEnv(values: Values, env: Env): Diagnostic[] {
  const mode = env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE;
  if (isSet(values, 'ec2_metadata_service_endpoint_mode') || mode === undefined || mode === '') return [];
  return mode === 'IPv4' || mode === 'IPv6'
    ? []
    : [err('unknown EC2 IMDS endpoint mode, must be either IPv6 or IPv4', '')];
}

function validateRegion(values: Values, env: Env, flavor: Flavor): Diagnostic[] {
  const region = str(values, 'region');
  if (region === undefined || region === '') {
    if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
      return [
        err(
          'Missing region value',
          'The "region" attribute or the "AWS_REGION" or "AWS_DEFAULT_REGION" environment variables must be set.',
          'region',
        ),
      ];
    }
    return [];
  }
  if (values.skip_region_validation !== true && !isKnownRegion(region)) {
    const text = `${flavor === 'terraform' ? 'Invalid' : 'invalid'} AWS Region: ${region}`;
    return [err('Invalid region value', text, 'region')];
  }
  return [];
}

function validateOpenTofu(values: Values, env: Env): Diagnostic[] {
  const d: Diagnostic[] = [];
  const bucket = str(values, 'bucket');
  if (bucket === undefined || bucket === '') {
    d.push(err('Invalid bucket value', 'The "bucket" attribute value must not be empty.', 'bucket'));
  }
  const key = str(values, 'key');
  if (key === undefined || key === '') {
    d.push(err('Invalid key value', 'The "key" attribute value must not be empty.', 'key'));
  } else if (key.startsWith('/') || key.endsWith('/')) {
    d.push(err('Invalid key value', 'The "key" attribute value must not start or end with "/".', 'key'));
  }
  const region = validateRegion(values, env, 'opentofu');
  // PrepareConfig reports a missing region; an unknown one is reported by Configure (after all of these).
  const regionMissing = region.filter((x) => x.summary === 'Missing region value');
  d.push(...regionMissing);
  const kms = str(values, 'kms_key_id');
  if (kms !== undefined && kms !== '') {
    const sse = str(values, 'sse_customer_key');
    if (sse !== undefined && sse !== '') {
      d.push(err('Invalid encryption configuration', ENCRYPTION_KEY_CONFLICT_DETAIL));
    } else if (env.AWS_SSE_CUSTOMER_KEY) {
      d.push(err('Invalid encryption configuration', ENCRYPTION_KEY_ENV_CONFLICT_DETAIL));
    }
    d.push(...validateKmsKey(kms));
  }
  const wkp = str(values, 'workspace_key_prefix');
  if (wkp !== undefined && (wkp.startsWith('/') || wkp.endsWith('/'))) {
    d.push(
      err(
        'Invalid workspace_key_prefix value',
        'The "workspace_key_prefix" attribute value must not start with "/".',
        'workspace_key_prefix',
      ),
    );
  }
  d.push(...conflict(values, 'shared_credentials_file', 'shared_credentials_files'));
  if (isSet(values, 'shared_credentials_file')) {
    d.push(
      warn(
        'Deprecated Parameter',
        'Parameter "shared_credentials_file" is deprecated. Use "shared_credentials_files" instead.',
        'shared_credentials_file',
      ),
    );
  }
  if (isSet(values, 'force_path_style')) {
    d.push(
      warn(
        'Deprecated Parameter',
        'Parameter "force_path_style" is deprecated. Use "use_path_style" instead.',
        'force_path_style',
      ),
    );
  }
  d.push(...conflict(values, 'force_path_style', 'use_path_style'));
  // OpenTofu marks the legacy endpoint attributes Deprecated in its schema without a PrepareConfig
  // message; s3state says so in OpenTofu's wording for the other deprecated parameters.
  for (const [svc, legacy] of ENDPOINT_LEGACY) {
    if (isSet(values, legacy)) {
      d.push(
        warn(
          'Deprecated Parameter',
          `Parameter "${legacy}" is deprecated. Use "endpoints.${svc}" instead.`,
          legacy,
        ),
      );
    }
  }
  const flat = FLAT_ASSUME_ROLE_ATTRIBUTES.filter((n) => isSet(values, n));
  const ar = obj(values, 'assume_role');
  if (ar) {
    d.push(...tofuAssumeRole(ar));
    if (flat.length > 0) {
      d.push(
        err(
          'Conflicting Parameters',
          'The following deprecated parameters conflict with the parameter "assume_role". Replace them as follows:\n' +
            formatDeprecated(flat),
        ),
      );
    }
  } else if (flat.length > 0) {
    d.push(
      warn(
        'Deprecated Parameters',
        'The following parameters have been deprecated. Replace them as follows:\n' + formatDeprecated(flat),
      ),
    );
  }
  const wi = obj(values, 'assume_role_with_web_identity');
  if (wi) d.push(...tofuWebIdentity(wi));
  d.push(...conflict(values, 'allowed_account_ids', 'forbidden_account_ids'));
  const retry = str(values, 'retry_mode');
  if (retry !== undefined && retry !== 'standard' && retry !== 'adaptive') {
    d.push(err('Invalid retry mode', 'Valid values are "standard" and "adaptive".', 'retry_mode'));
  }
  const eps = obj(values, 'endpoints') ?? {};
  for (const [svc, legacy] of ENDPOINT_LEGACY) {
    if (isSet(eps, svc) && isSet(values, legacy)) {
      d.push(err('Invalid Attribute Combination', `Only one of endpoints.${svc}, ${legacy} can be set.`));
    }
  }
  // Configure-time checks run only when PrepareConfig found no error.
  if (d.some((x) => x.severity === 'error')) return d;
  d.push(...region.filter((x) => x.summary !== 'Missing region value'));
  d.push(...validateSseKeys(values, env));
  d.push(...validateImdsModeEnv(values, env));
  return d;
}

function tofuAssumeRole(ar: Values): Diagnostic[] {
  const d: Diagnostic[] = [];
  const p = (n: string) => `assume_role.${n}`;
  const roleArn = str(ar, 'role_arn');
  if (roleArn === undefined || roleArn === '') d.push(missingRequired(p('role_arn')));
  const duration = str(ar, 'duration');
  if (duration !== undefined) d.push(...validateDuration(duration, p('duration'), 'opentofu'));
  for (const n of ['external_id', 'policy', 'session_name']) {
    const v = str(ar, n);
    if (v !== undefined) d.push(...nonEmpty(v, p(n)));
  }
  const arns = strList(ar, 'policy_arns');
  if (arns) d.push(...tofuPolicyArns(arns, p('policy_arns')));
  return d;
}

function tofuWebIdentity(wi: Values): Diagnostic[] {
  const d: Diagnostic[] = [];
  const p = (n: string) => `assume_role_with_web_identity.${n}`;
  d.push(...conflict(wi, 'web_identity_token', 'web_identity_token_file', 'assume_role_with_web_identity'));
  for (const n of ['session_name', 'policy']) {
    const v = str(wi, n);
    if (v !== undefined) d.push(...nonEmpty(v, p(n)));
  }
  const arns = strList(wi, 'policy_arns');
  if (arns) d.push(...tofuPolicyArns(arns, p('policy_arns')));
  const duration = str(wi, 'duration');
  if (duration !== undefined) d.push(...validateDuration(duration, p('duration'), 'opentofu'));
  return d;
}

const LEGACY_URL_NOTE =
  'Using an incomplete URL, such as a hostname only, may work, but may have unexpected behavior.';

/**
 * Terraform's URL checks: an unparsable value is an error; a value without scheme or host is a
 * warning for the legacy endpoint attributes and an error for `endpoints.sso` / IMDS endpoint.
 */
function tfUrl(v: string, path: string, incomplete: 'warning' | 'error'): Diagnostic[] {
  const u = goParseUrl(v);
  if (!u.ok)
    return [
      err('Invalid Value', `The value ${JSON.stringify(v)} cannot be parsed as a URL: ${u.error}`, path),
    ];
  if (u.scheme !== '' && u.host !== '') return [];
  return incomplete === 'warning'
    ? [
        warn(
          'Complete URL Expected',
          `The value should be a valid URL containing at least a scheme and hostname. Had ${JSON.stringify(v)}.\n\n${LEGACY_URL_NOTE}`,
          path,
        ),
      ]
    : [
        err(
          'Invalid Value',
          `The value must be a valid URL containing at least a scheme and hostname. Had ${JSON.stringify(v)}`,
          path,
        ),
      ];
}

const SESSION_NAME_RE = /^[\w+=,.@-]*$/;
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]*$/;
const SESSION_NAME_DESC = 'Value can only contain letters, numbers, or the following characters: =,.@-';
const EXTERNAL_ID_DESC = 'Value can only contain letters, numbers, or the following characters: =,.@/-';

function tfRequiredString(values: Values, name: string): Diagnostic[] {
  const v = str(values, name);
  if (v === undefined) return [missingRequired(name)];
  return nonEmpty(v, name);
}

function validateTerraform(values: Values, env: Env): Diagnostic[] {
  const d: Diagnostic[] = [];
  d.push(...tfRequiredString(values, 'bucket'));
  const keyDiags = tfRequiredString(values, 'key');
  if (keyDiags.length > 0) d.push(...keyDiags);
  else {
    const key = str(values, 'key') as string;
    d.push(
      ...firstOf(
        () =>
          key.startsWith('/') || key.endsWith('/')
            ? [err('Invalid Value', 'The value must not start or end with "/"', 'key')]
            : [],
        () => (key.includes('//') ? [err('Invalid Value', 'Value must not contain "//"', 'key')] : []),
      ),
    );
  }
  const region = validateRegion(values, env, 'terraform');
  d.push(...region.filter((x) => x.summary === 'Missing region value'));
  const wkp = str(values, 'workspace_key_prefix');
  if (wkp !== undefined && (wkp.startsWith('/') || wkp.endsWith('/'))) {
    d.push(err('Invalid Value', 'The value must not start or end with "/"', 'workspace_key_prefix'));
  }
  d.push(...conflict(values, 'kms_key_id', 'sse_customer_key'));
  const kms = str(values, 'kms_key_id');
  if (kms !== undefined) d.push(...validateKmsKey(kms));
  d.push(...conflict(values, 'shared_credentials_file', 'shared_credentials_files'));
  d.push(...conflict(values, 'force_path_style', 'use_path_style'));
  d.push(...conflict(values, 'allowed_account_ids', 'forbidden_account_ids'));
  for (const name of [
    'shared_credentials_file',
    'dynamodb_table',
    'force_path_style',
    'endpoint',
    'iam_endpoint',
    'sts_endpoint',
    'dynamodb_endpoint',
  ]) {
    if (!isSet(values, name)) continue;
    const replacement = findAttribute(name)?.deprecated?.replacement ?? '';
    d.push(
      warn(
        'Deprecated Parameter',
        `The parameter "${name}" is deprecated. Use parameter "${replacement}" instead.`,
        name,
      ),
    );
  }
  const eps = obj(values, 'endpoints') ?? {};
  for (const [svc, legacy] of ENDPOINT_LEGACY) {
    if (isSet(eps, svc) && isSet(values, legacy)) {
      d.push(
        err(
          'Conflicting Parameters',
          `The parameters "${legacy}" and "endpoints.${svc}" cannot be configured together.`,
        ),
      );
    }
    const ev = str(eps, svc);
    if (ev !== undefined) d.push(...tfUrl(ev, `endpoints.${svc}`, 'warning'));
    const lv = str(values, legacy);
    if (lv !== undefined) d.push(...tfUrl(lv, legacy, 'warning'));
  }
  const sso = str(eps, 'sso');
  if (sso !== undefined) d.push(...tfUrl(sso, 'endpoints.sso', 'error'));
  const imds = str(values, 'ec2_metadata_service_endpoint');
  if (imds !== undefined) d.push(...tfUrl(imds, 'ec2_metadata_service_endpoint', 'error'));
  const mode = str(values, 'ec2_metadata_service_endpoint_mode');
  if (mode !== undefined && mode !== 'IPv4' && mode !== 'IPv6') {
    d.push(err('Invalid Value', 'Value must be one of [IPv4, IPv6]', 'ec2_metadata_service_endpoint_mode'));
  }
  const retry = str(values, 'retry_mode');
  if (retry !== undefined && retry !== 'standard' && retry !== 'adaptive') {
    d.push(err('Invalid Value', `unknown RetryMode, ${retry}`, 'retry_mode'));
  }
  const ar = obj(values, 'assume_role');
  if (ar) d.push(...tfAssumeRole(ar));
  const wi = obj(values, 'assume_role_with_web_identity');
  if (wi) d.push(...tfWebIdentity(wi));
  const kmsSet = kms !== undefined && kms !== '';
  if (kmsSet && !isSet(values, 'sse_customer_key') && env.AWS_SSE_CUSTOMER_KEY) {
    d.push(err('Invalid encryption configuration', ENCRYPTION_KEY_ENV_CONFLICT_DETAIL));
  }
  // Configure-time checks run only when PrepareConfig found no error.
  if (d.some((x) => x.severity === 'error')) return d;
  d.push(...region.filter((x) => x.summary !== 'Missing region value'));
  d.push(...validateSseKeys(values, env));
  d.push(...validateImdsModeEnv(values, env));
  return d;
}

function tfSessionFields(o: Values, prefix: string): Diagnostic[] {
  const d: Diagnostic[] = [];
  const p = (n: string) => `${prefix}.${n}`;
  const duration = str(o, 'duration');
  if (duration !== undefined) d.push(...validateDuration(duration, p('duration'), 'terraform'));
  const policy = str(o, 'policy');
  if (policy !== undefined) {
    d.push(
      ...firstOf(
        () => nonEmpty(policy, p('policy')),
        () => validateIamPolicyDocument(policy, p('policy')),
      ),
    );
  }
  for (const a of strList(o, 'policy_arns') ?? []) {
    d.push(...tfArn(a, p('policy_arns'), 'policy'));
  }
  const session = str(o, 'session_name');
  if (session !== undefined) {
    d.push(
      ...firstOf(
        () => lengthBetween(session, 2, 64, p('session_name')),
        () => matches(session, SESSION_NAME_RE, SESSION_NAME_DESC, p('session_name')),
      ),
    );
  }
  return d;
}

/** Terraform's checks of a required `role_arn` (assume_role and web identity alike). */
function tfRoleArn(o: Values, path: string): Diagnostic[] {
  const roleArn = str(o, 'role_arn');
  if (roleArn === undefined) return [missingRequired(path)];
  return firstOf(
    () => nonEmpty(roleArn, path),
    () => tfArn(roleArn, path, 'role'),
  );
}

function tfAssumeRole(ar: Values): Diagnostic[] {
  const d: Diagnostic[] = [];
  const p = (n: string) => `assume_role.${n}`;
  d.push(...tfRoleArn(ar, p('role_arn')));
  const ext = str(ar, 'external_id');
  if (ext !== undefined) {
    d.push(
      ...firstOf(
        () => lengthBetween(ext, 2, 1224, p('external_id')),
        () => matches(ext, EXTERNAL_ID_RE, EXTERNAL_ID_DESC, p('external_id')),
      ),
    );
  }
  d.push(...tfSessionFields(ar, 'assume_role'));
  const src = str(ar, 'source_identity');
  if (src !== undefined) {
    d.push(
      ...firstOf(
        () => lengthBetween(src, 2, 64, p('source_identity')),
        () => matches(src, SESSION_NAME_RE, SESSION_NAME_DESC, p('source_identity')),
      ),
    );
  }
  return d;
}

function tfWebIdentity(wi: Values): Diagnostic[] {
  const d: Diagnostic[] = [];
  const p = (n: string) => `assume_role_with_web_identity.${n}`;
  d.push(...tfRoleArn(wi, p('role_arn')));
  const hasToken = isSet(wi, 'web_identity_token');
  const hasFile = isSet(wi, 'web_identity_token_file');
  if (hasToken === hasFile) {
    d.push(
      err(
        hasToken ? 'Invalid Attribute Combination' : 'Missing Required Value',
        hasToken
          ? 'Only one of web_identity_token, web_identity_token_file can be set.'
          : 'Exactly one of web_identity_token, web_identity_token_file must be set.',
        'assume_role_with_web_identity',
      ),
    );
  }
  for (const n of ['web_identity_token', 'web_identity_token_file']) {
    const v = str(wi, n);
    if (v !== undefined) d.push(...lengthBetween(v, 4, 20000, p(n)));
  }
  d.push(...tfSessionFields(wi, 'assume_role_with_web_identity'));
  return d;
}

/**
 * Validates explicitly configured backend values (typed, as merged from the configuration sources; no
 * env fallbacks or defaults applied) plus the environment variables the peers consult while validating
 * (`AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_SSE_CUSTOMER_KEY`). Pure: returns every diagnostic (errors
 * and warnings) with the peers' exact summary and detail texts (spec §1.2), OpenTofu's by default.
 *
 * Like the peers, the Configure-time checks (known region, SSE-C key length/base64) only run when the
 * PrepareConfig checks found no error. Terraform runs a nested block's second and later validators
 * only while no error has been found, in Go map order (so its output varies between runs); s3state
 * reports each attribute's first failing check, which is a stable superset.
 *
 * Covers PrepareConfig and the configuration part of Configure: required/empty values, key and prefix
 * slashes, region presence and (unless `skip_region_validation`) the known-region list, KMS key ID/ARN,
 * SSE-C key length and base64 (config or env), attribute conflicts, deprecations, nested
 * `assume_role` / `assume_role_with_web_identity` validators, durations, endpoints.
 * @param flavor @default 'opentofu'
 */
export function validateBackendConfig(values: Values, env: Env, flavor: Flavor = 'opentofu'): Diagnostic[] {
  return flavor === 'terraform' ? validateTerraform(values, env) : validateOpenTofu(values, env);
}
