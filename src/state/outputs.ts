import type { RawJson } from './raw-json.ts';
import { goStringCompare } from './go-json.ts';
import type { StateFile } from './state-file.ts';

/** A root module output, ready for display. */
export interface RootOutput {
  /** Output name. */
  name: string;
  /** The value as exact cty JSON (big numbers and key order kept). */
  value: RawJson;
  /** The cty type JSON. */
  type: RawJson;
  /** Whether the output is sensitive (callers must mask it unless asked for it by name). */
  sensitive: boolean;
}

/** The root module outputs sorted by name (byte order, as Terraform lists them). */
export function rootOutputs(s: StateFile): RootOutput[] {
  return [...s.outputs.entries()]
    .sort(([a], [b]) => goStringCompare(a, b))
    .map(([name, o]) => ({ name, value: o.value, type: o.type, sensitive: o.sensitive }));
}
