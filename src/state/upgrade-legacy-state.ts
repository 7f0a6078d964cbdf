import { StateError } from '../errors.ts';
import { goMarshal, goStringCompare } from './go-json.ts';
import { RAW_NULL, rawArray, rawGet, rawNumber, rawObject, rawString } from './raw-json.ts';
import type { RawJson } from './raw-json.ts';
import type { InstanceState, LegacyStateFile, OutputValue, ResourceState, StateFile } from './state-file.ts';

function upgradeError(detail: string): StateError {
  return new StateError('State format upgrade failed', { detail });
}

/** Go's float64 formatting in `json.Marshal` (what a legacy value decoded into interface{} becomes). */
function goFloat(text: string): RawJson {
  const n = Number(text);
  if (!Number.isFinite(n)) return rawNumber(text);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [m, e] = n.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return rawNumber(`${m}e${sign}${digits}`);
  }
  return rawNumber(Object.is(n, -0) ? '-0' : String(n));
}

/** `json.Marshal` of a value decoded into `interface{}`: maps sorted, strings re-quoted, floats reformatted. */
function asGoInterface(n: RawJson): RawJson {
  switch (n.kind) {
    case 'string':
      return rawString(n.value);
    case 'number':
      return goFloat(n.text);
    case 'array':
      return rawArray(n.items.map(asGoInterface));
    case 'object': {
      const m = new Map<string, RawJson>();
      for (const [k, v] of n.entries) m.set(k, v);
      return rawObject(
        [...m.entries()]
          .sort(([a], [b]) => goStringCompare(a, b))
          .map(([k, v]) => [k, asGoInterface(v)] as const),
      );
    }
    default:
      return n;
  }
}

/** cty's `ImpliedType` of a JSON value, as type JSON. */
function impliedType(n: RawJson): RawJson {
  switch (n.kind) {
    case 'string':
      return rawString('string');
    case 'number':
      return rawString('number');
    case 'bool':
      return rawString('bool');
    case 'null':
      return rawString('dynamic');
    case 'array':
      return rawArray([rawString('tuple'), rawArray(n.items.map(impliedType))]);
    case 'object':
      return rawArray([
        rawString('object'),
        rawObject(
          [...new Map(n.entries).entries()]
            .sort(([a], [b]) => goStringCompare(a, b))
            .map(([k, v]) => [k, impliedType(v)] as const),
        ),
      ]);
  }
}

/** Terraform's `simplifyImpliedValueType`: uniform tuples become lists, uniform objects maps. */
function simplify(ty: RawJson): RawJson {
  if (ty.kind !== 'array') return ty;
  const [kind, inner] = ty.items;
  if (kind?.kind !== 'string') return ty;
  const elems: RawJson[] =
    kind.value === 'tuple' && inner?.kind === 'array'
      ? [...inner.items]
      : kind.value === 'object' && inner?.kind === 'object'
        ? inner.entries.map(([, v]) => v)
        : [];
  const first = elems[0];
  if (first === undefined) return ty;
  const same = elems.every((e) => goMarshal(e) === goMarshal(first));
  if (!same) return ty;
  return rawArray([rawString(kind.value === 'tuple' ? 'list' : 'map'), simplify(first)]);
}

interface LegacyAddress {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: number | undefined;
}

/** `parseLegacyResourceAddress`: `type.name`, `type.name.N`, `data.type.name[.N]`. */
function parseLegacyAddress(s: string): LegacyAddress {
  let parts = s.split('.');
  if (parts.length < 2 || parts.length > 4)
    throw upgradeError(`invalid internal resource address format: ${s}`);
  let mode: 'managed' | 'data' = 'managed';
  if (parts.length > 2 && parts[0] === 'data') {
    mode = 'data';
    parts = parts.slice(1);
  }
  if (parts.length > 3) throw upgradeError(`invalid internal resource address format: ${s}`);
  const a: LegacyAddress = { mode, type: parts[0] ?? '', name: parts[1] ?? '' };
  if (parts.length > 2) {
    const k = Number(parts[2]);
    if (!/^-?\d+$/.test(parts[2] ?? '') || !Number.isSafeInteger(k)) {
      throw upgradeError(`error parsing resource address ${JSON.stringify(s)}: invalid syntax`);
    }
    a.key = k;
  }
  return a;
}

function str(n: RawJson | undefined): string {
  return n?.kind === 'string' ? n.value : '';
}

/** `provider["<fqn>"]` for a legacy (pre-0.13, namespace `-`) provider, as Terraform ≥ 0.13 writes it. */
function providerString(modulePrefix: string, name: string, alias: string | undefined): string {
  const fqn = name === 'terraform' ? 'terraform.io/builtin/terraform' : `registry.terraform.io/-/${name}`;
  return `${modulePrefix}provider[${JSON.stringify(fqn)}]${alias === undefined ? '' : '.' + alias}`;
}

/** Upgrades a v3 provider reference (`provider.aws.west`, `module.a.provider.aws`, `aws`, ``). */
function legacyProvider(old: string, moduleText: string, type: string): string {
  const idx = old.indexOf('provider.');
  if (idx >= 0) {
    const [name = '', alias] = old.slice(idx + 'provider.'.length).split('.');
    return providerString(old.slice(0, idx), name, alias);
  }
  const prefix = moduleText === '' ? '' : moduleText + '.';
  if (old !== '') {
    const [name = '', alias] = old.split('.');
    return providerString(prefix, name, alias);
  }
  return providerString(prefix, type.includes('_') ? type.slice(0, type.indexOf('_')) : type, undefined);
}

function upgradeObject(obj: RawJson, key: number | undefined, deposed: string | undefined): InstanceState {
  const meta = rawGet(obj, 'meta');
  let schemaVersion = 0;
  let migrated = false;
  const sv = rawGet(meta, 'schema_version');
  if (sv?.kind === 'string' && /^\d+$/.test(sv.value)) {
    schemaVersion = Number(sv.value);
    migrated = true;
  } else if (sv?.kind === 'number') {
    schemaVersion = Math.trunc(Number(sv.text));
    migrated = true;
  }
  const privEntries =
    meta?.kind === 'object' ? meta.entries.filter(([k]) => !(k === 'schema_version' && migrated)) : [];
  const inst: InstanceState = { schemaVersion, sensitiveAttributes: rawArray([]) };
  if (key !== undefined) inst.indexKey = key;
  if (rawGet(obj, 'tainted')?.kind === 'bool' && (rawGet(obj, 'tainted') as { value: boolean }).value) {
    inst.status = 'tainted';
  }
  if (deposed !== undefined) inst.deposed = deposed;
  const attrs = rawGet(obj, 'attributes');
  const flat = new Map<string, string>();
  if (attrs?.kind === 'object') for (const [k, v] of attrs.entries) flat.set(k, str(v));
  const id = str(rawGet(obj, 'id'));
  if (id !== '' && (flat.get('id') ?? '') === '') flat.set('id', id);
  if (attrs?.kind === 'object' || id !== '') inst.attributesFlat = flat;
  if (privEntries.length > 0) {
    inst.private = Buffer.from(goMarshal(asGoInterface(rawObject(privEntries))), 'utf8').toString('base64');
  }
  return inst;
}

/**
 * Upgrades a legacy v2/v3 state (Terraform ≤ 0.11) to the v4 model the way Terraform's
 * `upgradeStateV3ToV4` does, in the shape a current Terraform then writes (verified byte for byte
 * against terraform 1.11 on the corpus): flatmap attributes in `attributes_flat`, `schema_version`
 * promoted from the SDK's meta, other meta as base64 JSON `private`, deposed objects keyed
 * `00000001`…, count instances as int keys, legacy providers as `provider["registry.terraform.io/-/aws"]`,
 * `sensitive_attributes: []`, `check_results: null`, root outputs with cty's implied (simplified)
 * types. Resource-level `depends_on` is dropped, as Terraform does.
 * Version 1 states are refused (Terraform 0.6 and earlier). Throws `StateError`
 * (`State format upgrade failed`).
 */
export function upgradeLegacyState(legacy: LegacyStateFile): StateFile {
  if (legacy.version === 1) {
    throw upgradeError(
      'The state file uses format version 1 (Terraform 0.6 or earlier); s3state can only upgrade versions 2 and 3.',
    );
  }
  const doc = legacy.document;
  const serialNode = rawGet(doc, 'serial');
  if (serialNode?.kind === 'number' && serialNode.text.startsWith('-')) {
    throw upgradeError('state has serial less than zero, which is invalid');
  }
  const state: StateFile = {
    version: 4,
    terraformVersion: str(rawGet(doc, 'terraform_version')) || '0.0.0',
    serial: serialNode?.kind === 'number' && /^\d+$/.test(serialNode.text) ? BigInt(serialNode.text) : 0n,
    lineage: str(rawGet(doc, 'lineage')),
    outputs: new Map<string, OutputValue>(),
    resources: [],
    checkResults: null,
  };
  const modules = rawGet(doc, 'modules');
  for (const m of modules?.kind === 'array' ? modules.items : []) {
    const pathNode = rawGet(m, 'path');
    const path = pathNode?.kind === 'array' ? pathNode.items.map(str) : [];
    if (path[0] !== 'root') throw upgradeError(`state contains invalid module path ${JSON.stringify(path)}`);
    for (const name of path.slice(1)) {
      if (!/^[\p{L}_][\p{L}\p{N}_-]*$/u.test(name)) {
        throw upgradeError(
          `state contains invalid module path ${JSON.stringify(path)}: ${JSON.stringify(name)} is not a valid identifier; rename it in Terraform 0.11 before upgrading to Terraform 0.12`,
        );
      }
    }
    const moduleText = path
      .slice(1)
      .map((n) => `module.${n}`)
      .join('.');
    const byResource = new Map<string, ResourceState>();
    const resources = rawGet(m, 'resources');
    for (const [legacyAddr, rs] of resources?.kind === 'object' ? resources.entries : []) {
      if (rs.kind !== 'object') continue;
      const a = parseLegacyAddress(legacyAddr);
      const id = `${a.mode}.${a.type}.${a.name}`;
      let r = byResource.get(id);
      if (r === undefined) {
        r = {
          module: moduleText,
          mode: a.mode,
          type: a.type,
          name: a.name,
          provider: legacyProvider(str(rawGet(rs, 'provider')), moduleText, a.type),
          instances: [],
        };
        byResource.set(id, r);
      }
      const primary = rawGet(rs, 'primary');
      if (primary !== undefined && primary.kind !== 'null')
        r.instances.push(upgradeObject(primary, a.key, undefined));
      const deposed = rawGet(rs, 'deposed');
      (deposed?.kind === 'array' ? deposed.items : []).forEach((d, i) => {
        r.instances.push(upgradeObject(d, a.key, (i + 1).toString(16).padStart(8, '0')));
      });
    }
    state.resources.push(...byResource.values());
    if (path.length === 1) {
      const outputs = rawGet(m, 'outputs');
      for (const [name, o] of outputs?.kind === 'object' ? outputs.entries : []) {
        const value = asGoInterface(rawGet(o, 'value') ?? RAW_NULL);
        const sensitive = rawGet(o, 'sensitive');
        state.outputs.set(name, {
          value,
          type: simplify(impliedType(value)),
          sensitive: sensitive?.kind === 'bool' && sensitive.value,
        });
      }
    }
  }
  return state;
}
