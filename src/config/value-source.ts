/**
 * Where a resolved configuration value came from, so messages and `-json` output can say
 * "region from AWS_DEFAULT_REGION" or "bucket from main.tf:3".
 */
export type ValueSource =
  /** A `backend "s3"` block in a `*.tf` / `*.tf.json` file. */
  | { kind: 'hcl'; file: string; line: number }
  /** A `-backend-config=FILE` (`.tfbackend`) file. */
  | { kind: 'backend-config-file'; file: string; line?: number }
  /** A `-backend-config=KEY=VALUE` argument; `index` is its position among all `-backend-config` values (0-based). */
  | { kind: 'backend-config-arg'; index: number }
  /** The configuration `terraform init` / `tofu init` saved in `.terraform/terraform.tfstate`. */
  | { kind: 'terraform-dir'; file: string }
  /** s3state's own record written by `s3state init` (`.s3state/backend.json`). */
  | { kind: 'init-record'; file: string }
  /** An environment variable. */
  | { kind: 'env'; name: string }
  /** A command-line flag such as `-workspace`. */
  | { kind: 'flag'; name: string }
  /** The attribute's default. */
  | { kind: 'default' };

/** Human text for a source: `main.tf:3`, `-backend-config #2`, `AWS_DEFAULT_REGION`, `default`. */
export function formatSource(source: ValueSource): string {
  switch (source.kind) {
    case 'hcl':
      return `${source.file}:${source.line}`;
    case 'backend-config-file':
      return source.line === undefined ? source.file : `${source.file}:${source.line}`;
    case 'backend-config-arg':
      return `-backend-config #${source.index + 1}`;
    case 'terraform-dir':
    case 'init-record':
      return source.file;
    case 'env':
      return source.name;
    case 'flag':
      return source.name;
    case 'default':
      return 'default';
  }
}
