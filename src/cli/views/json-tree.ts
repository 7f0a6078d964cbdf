import { goMarshal } from '../../state/go-json.ts';
import { parseJson } from '../../state/parse-json.ts';
import { rawGet, type RawJson } from '../../state/raw-json.ts';

/** The views work on the state module's ordered, lossless JSON tree. */
export type JsonNode = RawJson;

/** Parses JSON text into a {@link JsonNode} (key order and number text kept). */
export function parseJsonTree(text: string): JsonNode {
  return parseJson(text);
}

/** Looks up a key of an object node (first match). */
export function getKey(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return rawGet(node, key);
}

/** Go `json.Marshal` (no `indent`) or `json.MarshalIndent(v, "", indent)` of a node. */
export function toGoJson(node: JsonNode, indent?: string): string {
  return goMarshal(node, indent ?? '');
}
