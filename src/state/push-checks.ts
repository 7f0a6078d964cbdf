import { StateError } from '../errors.ts';
import { serialOf } from './state-file.ts';
import type { StateFile } from './state-file.ts';
import type { RawJson } from './raw-json.ts';
import { sameJsonBytes } from './same-json.ts';
import { stateToJson } from './write-state.ts';

/**
 * True when the state holds nothing: no resources and no root outputs (Terraform's
 * `State.Empty()`; a resource with zero instances still counts as something).
 */
export function isEmptyState(s: StateFile | undefined): boolean {
  return s === undefined || (s.resources.length === 0 && s.outputs.size === 0);
}

function bodyOf(s: StateFile): RawJson {
  // Serialise without the header, with Go's normalisations (sorted resources/instances/outputs),
  // and with "no check results" spelled one way, since Terraform keeps no difference in memory.
  const checks = s.checkResults === undefined || s.checkResults?.length === 0 ? null : s.checkResults;
  const resources = s.resources.map((r) => ({
    ...r,
    instances: r.instances.map((i) => (i.private === '' ? { ...i, private: undefined } : i)),
  }));
  return stateToJson(
    { ...s, terraformVersion: '', serial: 0n, lineage: '', checkResults: checks, resources },
    'terraform',
  );
}

/**
 * True when two states have the same content, ignoring the header (`terraform_version`, `serial`,
 * `lineage`): the remote state manager's test for "nothing changed, do not write" (spec §5.3).
 * Equal when the serialised bytes are, like Terraform's `StatesMarshalEqual` (decided by walking both
 * trees, see {@link sameJsonBytes}).
 */
export function statesEqualIgnoringHeader(a: StateFile, b: StateFile): boolean {
  return sameJsonBytes(bodyOf(a), bodyOf(b));
}

/**
 * The `state push` import check (spec §5.4; skipped by `-force`). Throws a `StateError` with the
 * peers' exact message when `pushed` may not replace `current`:
 * - `cannot import state with lineage "<new>" over unrelated state with lineage "<old>"`
 * - `cannot import state with serial <n> over newer state with serial <m>`
 * - `cannot overwrite existing state with serial <n> with a different state that has the same serial`
 *
 * Always allowed when the destination is missing or empty, or either lineage is empty.
 * Terraform shows the error as `Failed to write state: <message>`; OpenTofu as the detail of
 * `Failed to write the imported state`.
 */
export function checkImport(current: StateFile | undefined, pushed: StateFile): void {
  if (current === undefined || isEmptyState(current)) return;
  if (pushed.lineage === '' || current.lineage === '') return;
  if (pushed.lineage !== current.lineage) {
    throw new StateError(
      `cannot import state with lineage ${goQ(pushed.lineage)} over unrelated state with lineage ${goQ(current.lineage)}`,
    );
  }
  const ps = serialOf(pushed);
  const cs = serialOf(current);
  if (ps < cs) {
    throw new StateError(`cannot import state with serial ${ps} over newer state with serial ${cs}`);
  }
  if (ps === cs && !statesEqualIgnoringHeader(pushed, current)) {
    throw new StateError(
      `cannot overwrite existing state with serial ${ps} with a different state that has the same serial`,
    );
  }
}

/** Go's `%q` for the printable strings lineages are. */
function goQ(s: string): string {
  return JSON.stringify(s);
}
