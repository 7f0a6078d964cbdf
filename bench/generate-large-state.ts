// Builds a large v4 state (~50 MB by default) from the shapes of a real Terraform state in the
// corpus (1200 `terraform_data` instances in 4 module instances): the module instances are cloned
// under new keys until the target size is reached. Written as Terraform writes it (2-space indent + "\n").
import { readFileSync } from 'node:fs';

interface Resource {
  module?: string;
  mode: string;
  type: string;
  name: string;
  [k: string]: unknown;
}
interface StateV4 {
  version: number;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, unknown>;
  resources: Resource[];
  check_results: unknown;
}

/** Clones the corpus state's module instances until the serialised state reaches `targetBytes`. */
export function generateLargeState(corpusFile: string, targetBytes: number): string {
  const base = JSON.parse(readFileSync(corpusFile, 'utf8')) as StateV4;
  const template = base.resources;
  const perCopy = Buffer.byteLength(JSON.stringify(template, null, 2));
  const copies = Math.max(1, Math.ceil(targetBytes / perCopy));
  const resources: Resource[] = [];
  for (let c = 0; c < copies; c++) {
    for (const r of template) {
      // module.shard["a"] → module.shard["a0042"]: unique addresses, same shapes.
      const module = r.module?.replace(
        /\["([^"]*)"\]/,
        (_m, k: string) => `["${k}${String(c).padStart(4, '0')}"]`,
      );
      resources.push(module === undefined ? { ...r } : { ...r, module });
    }
  }
  // Terraform sorts resources by module, then mode/type/name.
  resources.sort((a, b) =>
    (a.module ?? '') < (b.module ?? '') ? -1 : (a.module ?? '') > (b.module ?? '') ? 1 : 0,
  );
  const state: StateV4 = { ...base, resources };
  return JSON.stringify(state, null, 2) + '\n';
}
