import { rawArray } from './raw-json.ts';
import type { InstanceState, ResourceState, StateFile } from './state-file.ts';

/** Options of {@link modernizeState}. */
export interface ModernizeOptions {
  /** The Terraform version whose writer to imitate, e.g. `1.11.4` (also written as `terraform_version`). */
  terraformVersion: string;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (m === null) return true;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** `provider.aws.west` / `module.a.provider.aws` (Terraform 0.12) → `provider["registry.terraform.io/-/aws"].west`. */
function upgradeProviderString(p: string): string {
  if (p.includes('provider[')) return p;
  const idx = p.indexOf('provider.');
  if (idx < 0) return p;
  const [name = '', alias] = p.slice(idx + 'provider.'.length).split('.');
  const fqn = name === 'terraform' ? 'terraform.io/builtin/terraform' : `registry.terraform.io/-/${name}`;
  return `${p.slice(0, idx)}provider[${JSON.stringify(fqn)}]${alias === undefined ? '' : '.' + alias}`;
}

/**
 * The state as the given Terraform version writes it after reading it (what `terraform state pull`
 * prints, or what any write by that version stores): older shapes are brought forward —
 * 0.12's `each`, instance `depends_on` and `provider.aws` addresses (→ `provider["registry.terraform.io/-/aws"]`)
 * from 0.13; `sensitive_attributes: []` from 0.14; `check_results: null` (also for `[]`, and
 * `objects: null` for empty object lists) from 1.3; `identity_schema_version` on every instance from
 * 1.12 (and no identity data before). Raw attribute and output JSON is kept as is. Verified against
 * terraform 1.11's `state pull` on the corpus. The input is not modified.
 */
export function modernizeState(s: StateFile, opts: ModernizeOptions): StateFile {
  const v = opts.terraformVersion;
  const v013 = atLeast(v, 0, 13);
  const v014 = atLeast(v, 0, 14);
  const v13 = atLeast(v, 1, 3);
  const v112 = atLeast(v, 1, 12);
  const instance = (i: InstanceState): InstanceState => {
    const o: InstanceState = { ...i };
    if (o.private === '') delete o.private;
    if (v013) delete o.dependsOn;
    if (v014 && o.sensitiveAttributes === undefined) o.sensitiveAttributes = rawArray([]);
    if (v112) o.identitySchemaVersion ??= 0;
    else {
      delete o.identitySchemaVersion;
      delete o.identity;
    }
    return o;
  };
  const resource = (r: ResourceState): ResourceState => {
    const o: ResourceState = { ...r, instances: r.instances.map(instance) };
    if (v013) {
      delete o.each;
      if (o.provider !== undefined) o.provider = upgradeProviderString(o.provider);
    }
    return o;
  };
  let checkResults = s.checkResults;
  if (v13) {
    checkResults =
      checkResults === undefined || checkResults === null || checkResults.length === 0
        ? null
        : checkResults.map((c) => ({ ...c, objects: c.objects?.length === 0 ? null : c.objects }));
  }
  return { ...s, terraformVersion: v, resources: s.resources.map(resource), checkResults };
}
