import type { RawJson } from './raw-json.ts';

/**
 * Which program's writer to imitate.
 * - `terraform`: `json.MarshalIndent(state, "", "  ")` + `"\n"`, Terraform's instance field order.
 * - `opentofu`: `json.Marshal(state)` + `"\n"` (OpenTofu ≥ 1.8 for remote state), OpenTofu's field order.
 */
export type StateFlavor = 'terraform' | 'opentofu';

/**
 * A version 4 state file, field for field. Optional members that a given Terraform release did or
 * did not write (e.g. `check_results` before 1.3, `sensitive_attributes` before 0.14,
 * `identity_schema_version` before 1.12) are `undefined` when the file did not have them, so that
 * writing a parsed file reproduces its own shape. Unknown members are dropped, as Go does.
 */
export interface StateFile {
  /** Always 4. */
  version: 4;
  /** Version of the program that wrote the file, e.g. `1.11.4`. */
  terraformVersion: string;
  /** Serial (uint64). {@link parseState} always returns a `bigint`; writers accept both. */
  serial: bigint | number;
  /** Lineage (a UUID, or `""` for a brand-new empty state). */
  lineage: string;
  /** Root module outputs by name (written sorted by name). */
  outputs: Map<string, OutputValue>;
  /** Resources (written sorted by module, mode, type, name). */
  resources: ResourceState[];
  /**
   * Check results in file order. `null` is written as `"check_results": null` (Terraform ≥ 1.3 with
   * no checks); `undefined` omits the member (files from before 1.3).
   */
  checkResults: CheckResult[] | null | undefined;
}

/** A root module output value. */
export interface OutputValue {
  /** The value in cty JSON (exact). */
  value: RawJson;
  /** The cty type JSON, e.g. `"string"` or `["object",{"a":"string"}]`. */
  type: RawJson;
  /** Whether the output is marked sensitive (the member is omitted when false). */
  sensitive: boolean;
  /** OpenTofu's deprecation message (written only by the `opentofu` flavor, when non-empty). */
  deprecated?: string | undefined;
}

/** A resource (all instances of one `mode.type.name` in one module instance). */
export interface ResourceState {
  /** Module instance address, `""` for the root module, e.g. `module.a["k"].module.b[0]`. */
  module: string;
  /** `managed` or `data`. */
  mode: 'managed' | 'data';
  /** Resource type, e.g. `aws_instance`. */
  type: string;
  /** Resource name. */
  name: string;
  /** Legacy `each` member (`list` / `map`) written by Terraform 0.12; `undefined` when absent. */
  each?: string | undefined;
  /**
   * Provider configuration address, e.g. `provider["registry.terraform.io/hashicorp/aws"]` (0.12:
   * `provider.aws`). `undefined` only for OpenTofu states whose instances carry their own provider.
   */
  provider?: string | undefined;
  /** Instance objects (written sorted by index key, then deposed key). */
  instances: InstanceState[];
}

/** An instance key: `count` index (number) or `for_each` key (string). */
export type IndexKey = number | string;

/** One object of a resource instance: the current one, or a deposed one. */
export interface InstanceState {
  /** `undefined` for a resource without `count`/`for_each`. */
  indexKey?: IndexKey | undefined;
  /** `tainted`, or `undefined` when ready. */
  status?: string | undefined;
  /** Deposed key (8 hex characters) for a deposed object. */
  deposed?: string | undefined;
  /** OpenTofu per-instance provider address (provider `for_each`). */
  provider?: string | undefined;
  /** Provider schema version of `attributes`. `undefined` only when the file lacked the member. */
  schemaVersion?: number | undefined;
  /** Attribute values as raw JSON (exact key order and numbers). */
  attributes?: RawJson | undefined;
  /** Legacy flatmap attributes (written with sorted keys). */
  attributesFlat?: Map<string, string> | undefined;
  /** Sensitive attribute paths (raw JSON array), `undefined` when the file had none (pre-0.14). */
  sensitiveAttributes?: RawJson | undefined;
  /** Terraform ≥ 1.12 identity schema version (written whenever defined). */
  identitySchemaVersion?: number | undefined;
  /** Resource identity object (raw JSON). */
  identity?: RawJson | undefined;
  /** Provider private data, standard base64 as stored (written whenever defined). */
  private?: string | undefined;
  /** Dependencies (resource addresses), omitted when empty. */
  dependencies?: string[] | undefined;
  /** Terraform 0.12's `depends_on`, omitted when empty. */
  dependsOn?: string[] | undefined;
  /** Written only when true. */
  createBeforeDestroy?: boolean | undefined;
  /** OpenTofu `skip_destroy`, written only when true (opentofu flavor). */
  skipDestroy?: boolean | undefined;
}

/** Result of one checkable configuration object. */
export interface CheckResult {
  /** `resource`, `output`, `check` or `var`. */
  objectKind: string;
  /** Configuration address, e.g. `check.remote_has_value`. */
  configAddr: string;
  /** `pass`, `fail`, `error` or `unknown`. */
  status: string;
  /** Per-object results, or `null`. */
  objects: CheckObjectResult[] | null;
}

/** Result of one checkable object instance. */
export interface CheckObjectResult {
  /** Object address, e.g. `terraform_data.x[0]`. */
  objectAddr: string;
  /** `pass`, `fail`, `error` or `unknown`. */
  status: string;
  /** Failure messages, omitted when empty. */
  failureMessages?: string[] | undefined;
}

/**
 * A legacy (format version 1, 2 or 3, Terraform ≤ 0.11) state document, kept as an exact tree.
 * Legacy writers used `json.MarshalIndent` with 4 spaces; see `writeLegacyState`.
 */
export interface LegacyStateFile {
  /** The format version (1, 2 or 3). */
  version: 1 | 2 | 3;
  /** The whole document. */
  document: RawJson;
}

/** The serial as a bigint. */
export function serialOf(s: Pick<StateFile, 'serial'>): bigint {
  return typeof s.serial === 'bigint' ? s.serial : BigInt(s.serial);
}
