import { goMarshalChunks, goStringCompare, goMarshal } from './go-json.ts';
import { MappedArray, RAW_NULL, rawArray, rawNumber, rawObject, rawString } from './raw-json.ts';
import type { RawJson } from './raw-json.ts';
import type {
  CheckResult,
  InstanceState,
  LegacyStateFile,
  ResourceState,
  StateFile,
  StateFlavor,
} from './state-file.ts';

/** Options of {@link writeState}. */
export interface WriteStateOptions {
  /** Whose writer to imitate (layout and instance field order). */
  flavor: StateFlavor;
  /**
   * Override the layout: `true` = 2-space indent (Terraform, and OpenTofu local files), `false` =
   * compact (OpenTofu ≥ 1.8 remote state).
   * @default flavor === 'terraform'
   */
  indent?: boolean | undefined;
}

type Entry = readonly [string, RawJson];

/**
 * Serialises a v4 state exactly as the chosen program does. `terraform`:
 * `json.MarshalIndent(state, "", "  ")` + `"\n"`; `opentofu`: `json.Marshal(state)` + `"\n"`.
 * Resources are stable-sorted by (module, mode, type, name) and instances by index key (none < int <
 * string) then deposed key, outputs by name; Go string escaping (`<>&` → `\u003c…`, U+2028/9) applies
 * everywhere; raw JSON keeps its key order, number text and string spelling. Optional members absent
 * from a parsed file stay absent. The input is not modified.
 */
export function writeState(s: StateFile, opts: WriteStateOptions): string {
  const indent = opts.indent ?? opts.flavor === 'terraform';
  return goMarshal(stateToJson(s, opts.flavor), indent ? '  ' : '') + '\n';
}

/**
 * {@link writeState} as a sequence of pieces of about 64 Ki characters (the last one ends with the
 * newline), each produced only when taken. Small on purpose: a piece below V8's large-object size
 * dies in the young generation, where 1 Mi pieces of a 61 MB state piled up as ~60 MB of garbage
 * that only a full collection frees (pull peak 273 MB → 235 MB). Each piece is produced only when taken, so a consumer that waits for a slow reader between
 * pieces holds one at a time.
 */
export function* writeStateChunks(s: StateFile, opts: WriteStateOptions): Generator<string> {
  const indent = opts.indent ?? opts.flavor === 'terraform';
  let last: string | undefined;
  for (const chunk of goMarshalChunks(stateToJson(s, opts.flavor), indent ? '  ' : '')) {
    if (last !== undefined) yield last;
    last = chunk;
  }
  yield (last ?? '') + '\n';
}

/**
 * {@link writeState} as UTF-8 bytes, written straight into one buffer of the exact size: the state is
 * serialised twice (once to count the bytes, once to fill them), so a large state is never held as
 * a string and a buffer at once (for a 61 MB state that second copy is ~60 MB).
 */
export function writeStateBytes(s: StateFile, opts: WriteStateOptions): Buffer {
  let size = 0;
  for (const chunk of writeStateChunks(s, opts)) size += Buffer.byteLength(chunk, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const chunk of writeStateChunks(s, opts)) at += bytes.write(chunk, at, 'utf8');
  if (at !== size) throw new Error(`state serialised to ${at} bytes, counted ${size}`);
  return bytes;
}

/**
 * The state as the ordered JSON tree the writer serialises (Go struct order, sorted resources,
 * instances and outputs).
 */
export function stateToJson(s: StateFile, flavor: StateFlavor): RawJson {
  const outputs: Entry[] = [...s.outputs.entries()]
    .sort(([a], [b]) => goStringCompare(a, b))
    .map(([name, o]) => {
      const e: Entry[] = [
        ['value', o.value],
        ['type', o.type],
      ];
      if (o.sensitive) e.push(['sensitive', { kind: 'bool', value: true }]);
      if (flavor === 'opentofu' && o.deprecated !== undefined && o.deprecated !== '') {
        e.push(['deprecated', rawString(o.deprecated)]);
      }
      return [name, rawObject(e)] as const;
    });
  const top: Entry[] = [
    ['version', rawNumber(4)],
    ['terraform_version', rawString(s.terraformVersion)],
    ['serial', rawNumber(s.serial)],
    ['lineage', rawString(s.lineage)],
    ['outputs', rawObject(outputs)],
    ['resources', new MappedArray(sortResources(s.resources), (r) => resourceToJson(r, flavor))],
  ];
  if (s.checkResults !== undefined) {
    top.push([
      'check_results',
      s.checkResults === null ? RAW_NULL : rawArray(s.checkResults.map(checkToJson)),
    ]);
  }
  return rawObject(top);
}

/** Resources in Terraform's writer order (stable sort by module, mode, type, name in byte order). */
export function sortResources(resources: readonly ResourceState[]): ResourceState[] {
  return [...resources].sort(
    (a, b) =>
      goStringCompare(a.module, b.module) ||
      goStringCompare(a.mode, b.mode) ||
      goStringCompare(a.type, b.type) ||
      goStringCompare(a.name, b.name),
  );
}

/** Instances in Terraform's writer order: no key, then int keys ascending, then string keys; then deposed key. */
export function sortInstances(instances: readonly InstanceState[]): InstanceState[] {
  return [...instances].sort(compareInstances);
}

function keyRank(k: InstanceState['indexKey']): number {
  return k === undefined ? 0 : typeof k === 'number' ? 1 : 2;
}

function compareInstances(a: InstanceState, b: InstanceState): number {
  const ka = a.indexKey;
  const kb = b.indexKey;
  if (ka !== kb) {
    const ra = keyRank(ka);
    const rb = keyRank(kb);
    if (ra !== rb) return ra - rb;
    if (typeof ka === 'number' && typeof kb === 'number') return ka - kb;
    if (typeof ka === 'string' && typeof kb === 'string') return goStringCompare(ka, kb);
  }
  return goStringCompare(a.deposed ?? '', b.deposed ?? '');
}

function strList(xs: readonly string[]): RawJson {
  return rawArray(xs.map(rawString));
}

function resourceToJson(r: ResourceState, flavor: StateFlavor): RawJson {
  const e: Entry[] = [];
  if (r.module !== '') e.push(['module', rawString(r.module)]);
  e.push(['mode', rawString(r.mode)], ['type', rawString(r.type)], ['name', rawString(r.name)]);
  if (r.each !== undefined && r.each !== '') e.push(['each', rawString(r.each)]);
  if (r.provider !== undefined || flavor === 'terraform') e.push(['provider', rawString(r.provider ?? '')]);
  e.push(['instances', new MappedArray(sortInstances(r.instances), (i) => instanceToJson(i, flavor))]);
  return rawObject(e);
}

function instanceToJson(i: InstanceState, flavor: StateFlavor): RawJson {
  const e: Entry[] = [];
  if (i.indexKey !== undefined) {
    e.push(['index_key', typeof i.indexKey === 'number' ? rawNumber(i.indexKey) : rawString(i.indexKey)]);
  }
  if (i.status !== undefined && i.status !== '') e.push(['status', rawString(i.status)]);
  if (i.deposed !== undefined && i.deposed !== '') e.push(['deposed', rawString(i.deposed)]);
  if (flavor === 'opentofu' && i.provider !== undefined && i.provider !== '') {
    e.push(['provider', rawString(i.provider)]);
  }
  e.push(['schema_version', rawNumber(i.schemaVersion ?? 0)]);
  if (i.attributes !== undefined) e.push(['attributes', i.attributes]);
  if (i.attributesFlat !== undefined && i.attributesFlat.size > 0) {
    const flat = [...i.attributesFlat.entries()].sort(([a], [b]) => goStringCompare(a, b));
    e.push(['attributes_flat', rawObject(flat.map(([k, v]) => [k, rawString(v)] as const))]);
  }
  if (i.sensitiveAttributes !== undefined) e.push(['sensitive_attributes', i.sensitiveAttributes]);
  const tail: Entry[] = [];
  if (i.private !== undefined) tail.push(['private', rawString(i.private)]);
  if (i.dependencies !== undefined && i.dependencies.length > 0) {
    tail.push(['dependencies', strList(i.dependencies)]);
  }
  if (i.dependsOn !== undefined && i.dependsOn.length > 0) tail.push(['depends_on', strList(i.dependsOn)]);
  if (i.createBeforeDestroy === true) tail.push(['create_before_destroy', { kind: 'bool', value: true }]);
  if (flavor === 'terraform') {
    // Terraform (1.12+): identity_schema_version, identity, then private/dependencies/cbd.
    if (i.identitySchemaVersion !== undefined) {
      e.push(['identity_schema_version', rawNumber(i.identitySchemaVersion)]);
    }
    if (i.identity !== undefined) e.push(['identity', i.identity]);
    e.push(...tail);
  } else {
    // OpenTofu: private, dependencies, create_before_destroy, skip_destroy, identity, identity_schema_version.
    e.push(...tail);
    if (i.skipDestroy === true) e.push(['skip_destroy', { kind: 'bool', value: true }]);
    if (i.identity !== undefined) e.push(['identity', i.identity]);
    if (i.identitySchemaVersion !== undefined) {
      e.push(['identity_schema_version', rawNumber(i.identitySchemaVersion)]);
    }
  }
  return rawObject(e);
}

function checkToJson(c: CheckResult): RawJson {
  return rawObject([
    ['object_kind', rawString(c.objectKind)],
    ['config_addr', rawString(c.configAddr)],
    ['status', rawString(c.status)],
    [
      'objects',
      c.objects === null
        ? RAW_NULL
        : rawArray(
            c.objects.map((o) => {
              const e: Entry[] = [
                ['object_addr', rawString(o.objectAddr)],
                ['status', rawString(o.status)],
              ];
              if (o.failureMessages !== undefined && o.failureMessages.length > 0) {
                e.push(['failure_messages', strList(o.failureMessages)]);
              }
              return rawObject(e);
            }),
          ),
    ],
  ]);
}

/** Options of {@link emptyState}. */
export interface EmptyStateOptions {
  /** Lineage of the new state (`newLineage()`, or `""` for `state pull` of nothing). */
  lineage: string;
  /** Serial of the new state. */
  serial: number | bigint;
  /** Version written into `terraform_version`. */
  terraformVersion: string;
}

/**
 * A state with no outputs, no resources and `"check_results": null`, as current Terraform writes
 * for a fresh workspace.
 */
export function emptyState(opts: EmptyStateOptions): StateFile {
  return {
    version: 4,
    terraformVersion: opts.terraformVersion,
    serial: typeof opts.serial === 'bigint' ? opts.serial : BigInt(opts.serial),
    lineage: opts.lineage,
    outputs: new Map(),
    resources: [],
    checkResults: null,
  };
}

/** Serialises a legacy (v1–v3) document as Terraform ≤ 0.11 did: 4-space `MarshalIndent` + `"\n"`. */
export function writeLegacyState(s: LegacyStateFile): string {
  return goMarshal(s.document, '    ') + '\n';
}
