import { StateError } from '../errors.ts';
import type { S3StateErrorOptions } from '../errors.ts';
import { formatKey } from './addresses.ts';
import { upgradeLegacyState } from './upgrade-legacy-state.ts';
import { asBuffer, JsonSyntaxError, parseJson } from './parse-json.ts';
import { rawGet } from './raw-json.ts';
import type { RawJson, RawObject } from './raw-json.ts';
import type {
  CheckObjectResult,
  CheckResult,
  InstanceState,
  LegacyStateFile,
  OutputValue,
  ResourceState,
  StateFile,
} from './state-file.ts';

/** The peers' summary for anything that is not a readable state file. */
export const UNSUPPORTED_STATE_FORMAT = 'Unsupported state file format';

/** OpenTofu's message for an encrypted state read without an encryption configuration. */
export const ENCRYPTED_STATE_MESSAGE =
  'This state file is encrypted and can not be read without an encryption configuration';

/**
 * The state is an OpenTofu client-side encryption envelope (`encryption_version` present) and this
 * program has no encryption configuration to decrypt it.
 */
export class EncryptedStateError extends StateError {
  /** The envelope's `encryption_version`, e.g. `v0`. */
  readonly encryptionVersion: string;
  constructor(encryptionVersion: string, opts: S3StateErrorOptions = {}) {
    super(ENCRYPTED_STATE_MESSAGE, {
      hint: 'Configure the same OpenTofu encryption settings, or read the state with `tofu`.',
      ...opts,
    });
    this.name = 'EncryptedStateError';
    this.encryptionVersion = encryptionVersion;
  }
}

/** The state bytes are empty (the peers treat this as "no state"). */
export class EmptyStateError extends StateError {
  constructor() {
    super('No state: the state file is empty');
    this.name = 'EmptyStateError';
  }
}

function unsupported(detail: string, cause?: unknown): StateError {
  return new StateError(UNSUPPORTED_STATE_FORMAT, { detail, cause });
}

/**
 * Nesting depth of the values inside an instance object (`resources[].instances[].attributes`):
 * containers from there on are validated while parsing but built only when read.
 */
const LAZY_DEPTH = 5;

/**
 * A resource decoded while the document was parsed: its model, or the error decoding it gave (thrown
 * by {@link decodeV4} in its usual order, after the whole text has been checked for syntax). The
 * parsed tree of a resource is dropped as soon as it is decoded, so a large state never holds the
 * tree of all its instances at once (for 67 200 instances that tree alone is ~57 MB of heap).
 */
class DecodedResource implements RawObject {
  readonly kind = 'object';
  readonly entries: readonly (readonly [string, RawJson])[] = [];
  constructor(readonly result: ResourceState | { readonly error: unknown }) {}
}

/** Decodes each item of the top-level `resources` array (depth 2) as soon as it is parsed. */
const DECODE_RESOURCES = {
  key: 'resources',
  depth: 2,
  map(node: RawJson): RawJson {
    try {
      return new DecodedResource(decodeResource(new Decoder(), node));
    } catch (error) {
      return new DecodedResource({ error });
    }
  },
};

function parseDocument(text: Buffer, decodeResources: boolean): RawJson {
  try {
    return parseJson(text, { lazyDepth: LAZY_DEPTH, member: decodeResources ? DECODE_RESOURCES : undefined });
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw unsupported(
        `The state file could not be parsed as JSON: syntax error at byte offset ${e.offset}.`,
        e,
      );
    }
    throw e;
  }
}

/**
 * True when the bytes are an OpenTofu encryption envelope: a JSON object with a non-empty string
 * `encryption_version`. Never throws (invalid JSON → `false`).
 */
export function isEncryptedEnvelope(bytes: Uint8Array | string): boolean {
  // Parsed as bytes, as Go reads them: a leading byte-order mark is rejected, not skipped.
  const text = asBuffer(bytes);
  if (!text.includes('encryption_version')) return false;
  try {
    return envelopeVersion(parseJson(text)) !== undefined;
  } catch {
    return false;
  }
}

function envelopeVersion(doc: RawJson): string | undefined {
  const v = rawGet(doc, 'encryption_version');
  return v?.kind === 'string' && v.value !== '' ? v.value : undefined;
}

function kindName(n: RawJson): string {
  switch (n.kind) {
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'null':
      return 'null';
    case 'number':
      return `number ${n.text}`;
  }
}

/** Reads the format version the way Terraform's `sniffJSONStateVersion` does. */
function sniffVersion(doc: RawJson): number {
  if (doc.kind !== 'object') {
    throw unsupported(
      `The version in the state file is ${doc.kind === 'number' ? 'number' : kindName(doc)}. A positive whole number is required.`,
    );
  }
  const v = rawGet(doc, 'version');
  if (v === undefined || v.kind === 'null') {
    throw unsupported(
      'The state file does not have a "version" attribute, which is required to identify the format version.',
    );
  }
  if (v.kind !== 'number' || !/^\d+$/.test(v.text) || BigInt(v.text) > 0xffffffffffffffffn) {
    throw unsupported(
      `The version in the state file is ${kindName(v)}. A positive whole number is required.`,
    );
  }
  const n = BigInt(v.text);
  return n > 1000n ? 1000 : Number(n);
}

/**
 * Parses state bytes of any format version: v4 → {@link StateFile}; v1–v3 (Terraform ≤ 0.11) →
 * {@link LegacyStateFile} (kept as an exact tree). Rejects encryption envelopes with
 * {@link EncryptedStateError}, empty input with {@link EmptyStateError}, and everything else that is
 * not a state with a `StateError` whose message is `Unsupported state file format` and whose detail
 * matches Terraform's (e.g. `The state file could not be parsed as JSON: syntax error at byte offset 12.`).
 */
export function parseAnyState(bytes: Uint8Array | string): StateFile | LegacyStateFile {
  const text = asBuffer(bytes);
  if (text.length === 0) throw new EmptyStateError();
  if (text.toString('latin1', 0, 7) === 'tfstate') {
    throw unsupported(
      'The state is stored in a legacy binary format that is not supported since Terraform v0.7. To continue, first upgrade the state using Terraform 0.6.16 or earlier.',
    );
  }
  let doc = parseDocument(text, true);
  const enc = envelopeVersion(doc);
  if (enc !== undefined) throw new EncryptedStateError(enc);
  const version = sniffVersion(doc);
  switch (version) {
    case 0:
      throw unsupported(
        'The state file uses JSON syntax but has a version number of zero. There was never a JSON-based state format zero, so this state file is invalid and cannot be processed.',
      );
    case 1:
    case 2:
    case 3:
      // A legacy document is kept as it is written: parse again if resources were decoded.
      if (rawGet(doc, 'resources') !== undefined) doc = parseDocument(text, false);
      return { version, document: doc };
    case 4:
      return decodeV4(doc as RawObject);
    default: {
      const tv = rawGet(doc, 'terraform_version');
      const by =
        tv?.kind === 'string' && /^\d+\.\d+/.test(tv.value)
          ? `This state file was created by Terraform ${tv.value}.`
          : 'This state file may have been created by a newer version of Terraform.';
      throw unsupported(
        `The state file uses format version ${version}, which is not supported by s3state. ${by}`,
      );
    }
  }
}

/**
 * Parses a state into the v4 model exactly (big serials as `bigint`, raw attribute JSON with key
 * order and number text kept). Legacy v2/v3 states (Terraform ≤ 0.11) are upgraded as Terraform
 * upgrades them (see `upgradeLegacyState`); use {@link parseAnyState} to keep a legacy document as
 * it is. Errors as in {@link parseAnyState}; v1 states throw `State format upgrade failed`.
 */
export function parseState(bytes: Uint8Array | string): StateFile {
  const s = parseAnyState(bytes);
  return s.version === 4 ? s : upgradeLegacyState(s);
}

// ---------------------------------------------------------------------------------------------
// v4 decoding, with Go's lenience: null means "zero value", unknown members are ignored.

class Decoder {
  /** Terraform's message for a Go `UnmarshalTypeError` (`want` only documents the expectation). */
  invalid(path: string, want: 'text' | 'numeric' | 'other', got: RawJson): never {
    const value = got.kind === 'number' && want !== 'numeric' ? 'number' : kindName(got);
    throw new StateError('Invalid state file format', {
      detail: `The state file field ${JSON.stringify(path)} has invalid value ${value}`,
    });
  }
  str(n: RawJson | undefined, path: string): string {
    if (n === undefined || n.kind === 'null') return '';
    if (n.kind !== 'string') this.invalid(path, 'text', n);
    return n.value;
  }
  bool(n: RawJson | undefined, path: string): boolean {
    if (n === undefined || n.kind === 'null') return false;
    if (n.kind !== 'bool') this.invalid(path, 'other', n);
    return n.value;
  }
  uint(n: RawJson | undefined, path: string): bigint | undefined {
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'number' || !/^\d+$/.test(n.text) || BigInt(n.text) > 0xffffffffffffffffn) {
      this.invalid(path, 'numeric', n);
    }
    return BigInt(n.text);
  }
  smallUint(n: RawJson | undefined, path: string): number | undefined {
    const b = this.uint(n, path);
    if (b === undefined) return undefined;
    if (b > BigInt(Number.MAX_SAFE_INTEGER)) this.invalid(path, 'numeric', n as RawJson);
    return Number(b);
  }
  strings(n: RawJson | undefined, path: string): string[] | undefined {
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'array') this.invalid(path, 'other', n);
    return n.items.map((x) => this.str(x, path));
  }
  array(n: RawJson | undefined, path: string): readonly RawJson[] | undefined {
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'array') this.invalid(path, 'other', n);
    return n.items;
  }
  object(n: RawJson | undefined, path: string): RawObject | undefined {
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'object') this.invalid(path, 'other', n);
    return n;
  }
}

/** Members of an object by name; last duplicate wins, like Go. */
function fields(o: RawObject): Map<string, RawJson> {
  return new Map(o.entries);
}

function decodeV4(doc: RawObject): StateFile {
  const d = new Decoder();
  const f = fields(doc);
  const outputs = new Map<string, OutputValue>();
  const outs = d.object(f.get('outputs'), 'outputs');
  for (const [name, o] of outs?.entries ?? []) {
    const p = 'outputs';
    const of = fields(d.object(o, p) ?? { kind: 'object', entries: [] });
    const out: OutputValue = {
      value: of.get('value') ?? { kind: 'null' },
      type: of.get('type') ?? { kind: 'null' },
      sensitive: d.bool(of.get('sensitive'), `${p} "sensitive"`),
    };
    const dep = d.str(of.get('deprecated'), `${p} "deprecated"`);
    if (dep !== '') out.deprecated = dep;
    outputs.set(name, out);
  }
  const resources = (d.array(f.get('resources'), 'resources') ?? []).map((r) => {
    if (!(r instanceof DecodedResource)) return decodeResource(d, r);
    if ('error' in r.result) throw r.result.error;
    return r.result;
  });
  const cr = f.get('check_results');
  let checkResults: CheckResult[] | null | undefined;
  if (cr === undefined) checkResults = undefined;
  else if (cr.kind === 'null') checkResults = null;
  else checkResults = (d.array(cr, 'check_results') ?? []).map((c) => decodeCheck(d, c));
  return {
    version: 4,
    terraformVersion: d.str(f.get('terraform_version'), 'terraform_version'),
    serial: d.uint(f.get('serial'), 'serial') ?? 0n,
    lineage: d.str(f.get('lineage'), 'lineage'),
    outputs,
    resources,
    checkResults,
  };
}

function decodeResource(d: Decoder, node: RawJson): ResourceState {
  const p = 'resources';
  const f = fields(d.object(node, p) ?? { kind: 'object', entries: [] });
  const module = d.str(f.get('module'), `${p}.module`);
  const mode = d.str(f.get('mode'), `${p}.mode`);
  const type = d.str(f.get('type'), `${p}.type`);
  const name = d.str(f.get('name'), `${p}.name`);
  if (mode !== 'managed' && mode !== 'data') {
    throw new StateError('Invalid resource mode in state', {
      detail: `State contains a resource with mode ${JSON.stringify(mode)} (${JSON.stringify(type)} ${JSON.stringify(name)}) which is not supported.`,
    });
  }
  const r: ResourceState = { module, mode, type, name, instances: [] };
  const each = d.str(f.get('each'), `${p}.each`);
  if (each !== '') r.each = each;
  if (f.has('provider')) r.provider = d.str(f.get('provider'), `${p}.provider`);
  const addr = `${module === '' ? '' : module + '.'}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  const seen = new Set<string>();
  r.instances = (d.array(f.get('instances'), `${p}.instances`) ?? []).map((n) => {
    const inst = decodeInstance(d, n, `${p}.instances`, addr);
    const key = `${JSON.stringify(inst.indexKey ?? null)}/${inst.deposed ?? ''}`;
    if (seen.has(key)) {
      const ia = addr + (inst.indexKey === undefined ? '' : formatKey(inst.indexKey));
      throw new StateError('Duplicate resource instance in state', {
        detail:
          inst.deposed === undefined
            ? `Instance ${ia} appears multiple times in the state file.`
            : `Instance ${ia} deposed object ${JSON.stringify(inst.deposed)} appears multiple times in the state file.`,
      });
    }
    seen.add(key);
    return inst;
  });
  return r;
}

function decodeInstance(d: Decoder, node: RawJson, p: string, addr: string): InstanceState {
  const f = fields(d.object(node, p) ?? { kind: 'object', entries: [] });
  const inst: InstanceState = {};
  const ik = f.get('index_key');
  if (ik !== undefined && ik.kind !== 'null') {
    if (ik.kind === 'string') inst.indexKey = ik.value;
    else if (ik.kind === 'number' && Number.isSafeInteger(Number(ik.text))) inst.indexKey = Number(ik.text);
    else {
      throw new StateError('Invalid resource instance metadata in state', {
        detail: `Resource ${addr} has an instance with the invalid instance key ${ik.kind === 'number' ? ik.text : ik.kind === 'bool' ? String(ik.value) : kindName(ik)}.`,
      });
    }
  }
  const ia = addr + (inst.indexKey === undefined ? '' : formatKey(inst.indexKey));
  const status = d.str(f.get('status'), `${p}.status`);
  if (status !== '') {
    if (status !== 'tainted') {
      throw new StateError('Invalid resource instance metadata in state', {
        detail: `Instance ${ia} has invalid status ${JSON.stringify(status)}.`,
      });
    }
    inst.status = status;
  }
  const deposed = d.str(f.get('deposed'), `${p}.deposed`);
  if (deposed !== '') {
    if (deposed.length !== 8) {
      throw new StateError('Invalid resource instance metadata in state', {
        detail: `Instance ${ia} has an object with deposed key ${JSON.stringify(deposed)}, which is not correctly formatted.`,
      });
    }
    inst.deposed = deposed;
  }
  const prov = d.str(f.get('provider'), `${p}.provider`);
  if (prov !== '') inst.provider = prov;
  if (f.has('schema_version'))
    inst.schemaVersion = d.smallUint(f.get('schema_version'), `${p}.schema_version`) ?? 0;
  const attrs = f.get('attributes');
  if (attrs !== undefined) inst.attributes = attrs;
  const flat = d.object(f.get('attributes_flat'), `${p}.attributes_flat`);
  if (flat !== undefined) {
    inst.attributesFlat = new Map(flat.entries.map(([k, v]) => [k, d.str(v, `${p}.attributes_flat`)]));
  }
  const sens = f.get('sensitive_attributes');
  if (sens !== undefined && sens.kind !== 'null') inst.sensitiveAttributes = sens;
  if (f.has('identity_schema_version')) {
    inst.identitySchemaVersion =
      d.smallUint(f.get('identity_schema_version'), `${p}.identity_schema_version`) ?? 0;
  }
  const identity = f.get('identity');
  if (identity !== undefined && identity.kind !== 'null') inst.identity = identity;
  // Kept even when empty: one real file (terraboard's MinIO fixture) has `"private": ""`.
  if (f.has('private') && f.get('private')?.kind !== 'null')
    inst.private = d.str(f.get('private'), `${p}.private`);
  const deps = d.strings(f.get('dependencies'), `${p}.dependencies`);
  if (deps !== undefined && deps.length > 0) inst.dependencies = deps;
  const dependsOn = d.strings(f.get('depends_on'), `${p}.depends_on`);
  if (dependsOn !== undefined && dependsOn.length > 0) inst.dependsOn = dependsOn;
  if (d.bool(f.get('create_before_destroy'), `${p}.create_before_destroy`)) inst.createBeforeDestroy = true;
  if (d.bool(f.get('skip_destroy'), `${p}.skip_destroy`)) inst.skipDestroy = true;
  return inst;
}

function decodeCheck(d: Decoder, node: RawJson): CheckResult {
  const p = 'check_results';
  const f = fields(d.object(node, p) ?? { kind: 'object', entries: [] });
  const objs = d.array(f.get('objects'), `${p}.objects`);
  return {
    objectKind: d.str(f.get('object_kind'), `${p}.object_kind`),
    configAddr: d.str(f.get('config_addr'), `${p}.config_addr`),
    status: d.str(f.get('status'), `${p}.status`),
    objects:
      objs === undefined
        ? null
        : objs.map((o): CheckObjectResult => {
            const of = fields(d.object(o, `${p}.objects`) ?? { kind: 'object', entries: [] });
            const r: CheckObjectResult = {
              objectAddr: d.str(of.get('object_addr'), `${p}.objects.object_addr`),
              status: d.str(of.get('status'), `${p}.objects.status`),
            };
            const fm = d.strings(of.get('failure_messages'), `${p}.objects.failure_messages`);
            if (fm !== undefined && fm.length > 0) r.failureMessages = fm;
            return r;
          }),
  };
}
