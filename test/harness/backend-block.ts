/** What a test's `terraform { backend "s3" { … } }` block points at. */
export interface BackendBlockOptions {
  bucket: string;
  key: string;
  /** @default 'us-east-1' */
  region?: string;
  /** `dynamodb_table`; omitted when undefined. */
  dynamodbTable?: string | undefined;
  /** `use_lockfile = true` when set. @default false */
  useLockfile?: boolean;
  /** `workspace_key_prefix`; omitted when undefined. */
  workspaceKeyPrefix?: string | undefined;
  /** Entries of `endpoints = { … }` (e.g. `s3`, `dynamodb`, `sts`), in the order given. */
  endpoints: Readonly<Record<string, string>>;
}

/**
 * The backend block a test hands to `terraform`/`s3state` to reach local servers: path-style
 * addressing and every check that would call real AWS (credentials, account ID, IMDS, region name)
 * skipped. Ends with a newline so that more configuration can be appended.
 */
export function s3BackendBlock(o: BackendBlockOptions): string {
  const attrs: [string, string][] = [
    ['bucket', JSON.stringify(o.bucket)],
    ['key', JSON.stringify(o.key)],
    ['region', JSON.stringify(o.region ?? 'us-east-1')],
  ];
  if (o.workspaceKeyPrefix !== undefined)
    attrs.push(['workspace_key_prefix', JSON.stringify(o.workspaceKeyPrefix)]);
  if (o.dynamodbTable !== undefined) attrs.push(['dynamodb_table', JSON.stringify(o.dynamodbTable)]);
  if (o.useLockfile === true) attrs.push(['use_lockfile', 'true']);
  attrs.push(
    ['use_path_style', 'true'],
    ['skip_credentials_validation', 'true'],
    ['skip_requesting_account_id', 'true'],
    ['skip_metadata_api_check', 'true'],
    ['skip_region_validation', 'true'],
  );
  const endpoints = Object.entries(o.endpoints);
  const width = Math.max(...endpoints.map(([k]) => k.length));
  return [
    'terraform {',
    '  backend "s3" {',
    ...attrs.map(([k, v]) => `    ${k.padEnd(27)} = ${v}`),
    '    endpoints = {',
    ...endpoints.map(([k, v]) => `      ${k.padEnd(width)} = ${JSON.stringify(v)}`),
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
