import { StateError, UsageError } from '../errors.ts';
import { goStringCompare } from './go-json.ts';
import type { IndexKey, InstanceState, ResourceState, StateFile } from './state-file.ts';

/** One step of a module instance path: `module.<name>` with an optional `[key]`. */
export interface ModuleStep {
  name: string;
  /** `undefined` when the step has no instance key. */
  key?: IndexKey | undefined;
}

/** A module instance (`module.a["k"].module.b`); `[]` is the root module. */
export interface ModuleAddress {
  kind: 'module';
  module: ModuleStep[];
}

/** A whole resource (`module.a.aws_instance.web`, `data.aws_ami.x`). */
export interface ResourceAddress {
  kind: 'resource';
  module: ModuleStep[];
  mode: 'managed' | 'data';
  type: string;
  name: string;
}

/** One resource instance (`aws_instance.web[0]`, `aws_instance.web["a"]`, or without a key). */
export interface InstanceAddress {
  kind: 'instance';
  module: ModuleStep[];
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `undefined` = no key (a resource without `count` / `for_each`). */
  key?: IndexKey | undefined;
}

/** A parsed target address, as `terraform state list|rm|mv` accept them. */
export type Address = ModuleAddress | ResourceAddress | InstanceAddress;

// ---------------------------------------------------------------------------------------------
// Formatting

/** Quotes a string key as Terraform prints it in addresses (HCL quoted-string syntax). */
// eslint-disable-next-line no-control-regex -- control characters are what gets escaped
const HCL_QUOTE_SPECIAL = /["\\\u0000-\u001f\u007f$%]/;

export function hclQuote(s: string): string {
  if (!HCL_QUOTE_SPECIAL.test(s)) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  // HCL template sequences must not start inside a quoted key.
  return out.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{') + '"';
}

/** `[0]` / `["k"]` / `` for no key. */
export function formatKey(key: IndexKey | undefined): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${hclQuote(key)}]`;
}

/** `module.a["k"].module.b`, or `""` for the root module. */
export function formatModule(steps: readonly ModuleStep[]): string {
  return steps.map((s) => `module.${s.name}${formatKey(s.key)}`).join('.');
}

/** Formats any address the way Terraform prints it. */
export function formatAddress(a: Address): string {
  const mod = formatModule(a.module);
  if (a.kind === 'module') return mod;
  const res = `${a.mode === 'data' ? 'data.' : ''}${a.type}.${a.name}`;
  const key = a.kind === 'instance' ? formatKey(a.key) : '';
  return (mod === '' ? '' : mod + '.') + res + key;
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Step = { kind: 'name'; name: string } | { kind: 'index'; key: IndexKey; whole: boolean };

function invalid(summary: string, detail: string): never {
  throw new UsageError(summary, { detail });
}

const NOT_WHOLE = 'value must be a whole number, between -9223372036854775808 and 9223372036854775807.';

/** Splits `a.b["c"][0]` into traversal steps (HCL absolute traversal syntax and its messages). */
function tokenize(text: string): Step[] {
  const steps: Step[] = [];
  const ident = /^[\p{L}_][\p{L}\p{N}_-]*/u;
  const first = ident.exec(text);
  if (first === null) invalid('Variable name required', 'Must begin with a variable name.');
  steps.push({ kind: 'name', name: first[0] });
  let i = first[0].length;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const m = ident.exec(text.slice(i + 1));
      if (m === null) invalid('Attribute name required', 'Dot must be followed by attribute name.');
      steps.push({ kind: 'name', name: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = text.slice(i + 1);
      const num = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
      const str = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      let len: number;
      if (num !== null) {
        const n = Number(num[0]);
        steps.push({ kind: 'index', key: n, whole: Number.isSafeInteger(n) });
        len = num[0].length;
      } else if (str !== null) {
        let key: string;
        try {
          // HCL escapes template introducers by doubling them: `$${` is a literal `${`.
          key = (JSON.parse(`"${str[1] ?? ''}"`) as string).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
        } catch {
          invalid('Invalid escape sequence', 'The index key string contains an invalid escape sequence.');
        }
        steps.push({ kind: 'index', key, whole: true });
        len = str[0].length;
      } else {
        invalid(
          'Index value required',
          'Index brackets must contain either a literal number or a literal string.',
        );
      }
      if (rest[len] !== ']')
        invalid('Unclosed index brackets', 'Index key must be followed by a closing bracket.');
      i += 2 + len;
    } else {
      invalid('Invalid character', 'Expected an attribute access or an index operator.');
    }
  }
  return steps;
}

/**
 * Parses a target address as `terraform state list|rm|mv` do (`module.a["k"].aws_x.y[0]`,
 * `data.aws_ami.x`, `module.a`). A resource without an index is a {@link ResourceAddress}; with an
 * index an {@link InstanceAddress}. Throws a `UsageError` (message `Invalid address`) with a detail
 * naming the problem.
 */
export function parseAddress(text: string): Address {
  const steps = tokenize(text.trim());
  const module: ModuleStep[] = [];
  let i = 0;
  while (i < steps.length) {
    const s = steps[i];
    if (s?.kind !== 'name' || s.name !== 'module') break;
    const n = steps[i + 1];
    if (n?.kind !== 'name') {
      invalid('Invalid address operator', 'Prefix "module." must be followed by a module name.');
    }
    const k = steps[i + 2];
    if (k?.kind === 'index') {
      if (!k.whole) invalid('Invalid address operator', `Invalid module index: ${NOT_WHOLE}`);
      module.push({ name: n.name, key: k.key });
      i += 3;
    } else {
      module.push({ name: n.name });
      i += 2;
    }
  }
  if (i >= steps.length) return { kind: 'module', module };
  let mode: 'managed' | 'data' = 'managed';
  const head = steps[i];
  if (head?.kind === 'name' && head.name === 'data') {
    mode = 'data';
    i++;
  }
  const t = steps[i];
  const n = steps[i + 1];
  if (t === undefined || n === undefined) {
    invalid('Invalid address', 'Resource specification must include a resource type and name.');
  }
  if (t.kind !== 'name') {
    invalid(
      'Invalid address',
      mode === 'data' ? 'A data source name is required.' : 'A resource type name is required.',
    );
  }
  if (n.kind !== 'name') invalid('Invalid address', 'A resource name is required.');
  const k = steps[i + 2];
  if (k === undefined) return { kind: 'resource', module, mode, type: t.name, name: n.name };
  if (k.kind !== 'index')
    invalid('Invalid address', 'Resource instance key must be given in square brackets.');
  if (!k.whole) invalid('Invalid address', `Invalid resource instance key: ${NOT_WHOLE}`);
  if (steps.length > i + 3) invalid('Invalid address', 'Unexpected extra operators after address.');
  return { kind: 'instance', module, mode, type: t.name, name: n.name, key: k.key };
}

const moduleCache = new Map<string, ModuleStep[]>();

/** Parses the `module` member of a state resource (`""` → root). */
export function parseModulePath(text: string): ModuleStep[] {
  if (text === '') return [];
  const hit = moduleCache.get(text);
  if (hit !== undefined) return hit;
  const a = parseAddress(text);
  if (a.kind !== 'module') {
    throw new StateError('Invalid module address in state', {
      detail: `The state contains a resource in module ${JSON.stringify(text)}, which is not a module instance address.`,
    });
  }
  if (moduleCache.size > 10000) moduleCache.clear();
  moduleCache.set(text, a.module);
  return a.module;
}

// ---------------------------------------------------------------------------------------------
// Ordering (Terraform's AbsResourceInstance.Less) and lookups

function keyLess(a: IndexKey | undefined, b: IndexKey | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1; // int keys before string keys
  if (typeof a === 'number') return a - (b as number);
  return goStringCompare(a, b as string);
}

/** Compares module paths: shorter first, then step by step by name and key. */
export function compareModules(a: readonly ModuleStep[], b: readonly ModuleStep[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ModuleStep;
    const y = b[i] as ModuleStep;
    if (x.name !== y.name) return goStringCompare(x.name, y.name);
    const k = keyLess(x.key, y.key);
    if (k !== 0) return k;
  }
  return 0;
}

/** Terraform's resource instance order: module depth, module path, data before managed, type, name, key. */
export function compareInstanceAddresses(a: InstanceAddress, b: InstanceAddress): number {
  return (
    compareModules(a.module, b.module) ||
    (a.mode === b.mode ? 0 : a.mode === 'data' ? -1 : 1) ||
    goStringCompare(a.type, b.type) ||
    goStringCompare(a.name, b.name) ||
    keyLess(a.key, b.key)
  );
}

/** True when two module paths are identical. */
export function sameModule(a: readonly ModuleStep[], b: readonly ModuleStep[]): boolean {
  return compareModules(a, b) === 0;
}

/**
 * Terraform's "module target contains module" rule: same names, same keys, except that a final
 * step without a key matches every instance of that module; descendants are contained too.
 */
export function moduleContains(target: readonly ModuleStep[], m: readonly ModuleStep[]): boolean {
  if (m.length < target.length) return false;
  for (let i = 0; i < target.length; i++) {
    const t = target[i] as ModuleStep;
    const o = m[i] as ModuleStep;
    if (t.name !== o.name) return false;
    if (i === target.length - 1 && t.key === undefined) return true;
    if (t.key !== o.key) return false;
  }
  return true;
}

/** A resource instance found in a state, with its objects (current and deposed). */
export interface FoundInstance {
  address: InstanceAddress;
  resource: ResourceState;
  objects: InstanceState[];
}

/** Every resource instance of the state (one per index key, deposed-only ones included), unsorted. */
export function allInstances(s: StateFile): FoundInstance[] {
  const out: FoundInstance[] = [];
  const seen = new Map<string, FoundInstance>();
  for (const r of s.resources) {
    const module = parseModulePath(r.module);
    // formatAddress of each instance, with the resource part formatted once.
    const prefix = formatAddress({ kind: 'resource', module, mode: r.mode, type: r.type, name: r.name });
    for (const inst of r.instances) {
      const address: InstanceAddress = { kind: 'instance', module, mode: r.mode, type: r.type, name: r.name };
      if (inst.indexKey !== undefined) address.key = inst.indexKey;
      const id = prefix + formatKey(inst.indexKey);
      const hit = seen.get(id);
      if (hit !== undefined) hit.objects.push(inst);
      else {
        const f = { address, resource: r, objects: [inst] };
        seen.set(id, f);
        out.push(f);
      }
    }
  }
  return out;
}

function resourceMatches(r: ResourceState, a: ResourceAddress | InstanceAddress): boolean {
  return (
    r.mode === a.mode &&
    r.type === a.type &&
    r.name === a.name &&
    sameModule(parseModulePath(r.module), a.module)
  );
}

/** The resources of the state at a resource address (normally zero or one). */
export function findResources(s: StateFile, a: ResourceAddress | InstanceAddress): ResourceState[] {
  return s.resources.filter((r) => resourceMatches(r, a));
}

/**
 * Resolves one target address to resource instances, sorted, the way `terraform state list|rm`
 * do. With `allowMissing: false`, an address that matches nothing throws a `StateError`
 * (`Unknown module` / `Unknown resource` / `Unknown resource instance`, Terraform's texts).
 */
export function lookupInstances(s: StateFile, addr: Address, allowMissing: boolean): InstanceAddress[] {
  const all = allInstances(s);
  let ret: InstanceAddress[] = [];
  const text = formatAddress(addr);
  switch (addr.kind) {
    case 'module': {
      ret = all.filter((f) => moduleContains(addr.module, f.address.module)).map((f) => f.address);
      const found =
        ret.length > 0 || s.resources.some((r) => moduleContains(addr.module, parseModulePath(r.module)));
      if (!found && !allowMissing) {
        throw new StateError('Unknown module', {
          detail: `The current state contains no module at ${text}. If you've just added this module to the configuration, you must run "terraform apply" first to create the module's entry in the state.`,
        });
      }
      break;
    }
    case 'resource': {
      const rs = findResources(s, addr);
      if (rs.length === 0) {
        if (!allowMissing) {
          throw new StateError('Unknown resource', {
            detail: `The current state contains no resource ${text}. If you've just added this resource to the configuration, you must run "terraform apply" first to create the resource's entry in the state.`,
          });
        }
        break;
      }
      ret = all.filter((f) => rs.includes(f.resource)).map((f) => f.address);
      break;
    }
    case 'instance': {
      const hit = all.find((f) => resourceMatches(f.resource, addr) && f.address.key === addr.key);
      if (hit === undefined) {
        if (!allowMissing) {
          throw new StateError('Unknown resource instance', {
            detail: `The current state contains no resource instance ${text}. If you've just added its resource to the configuration or have changed the count or for_each arguments, you must run "terraform apply" first to update the resource's entry in the state.`,
          });
        }
        break;
      }
      ret = [hit.address];
      break;
    }
  }
  return ret.sort(compareInstanceAddresses);
}

/** Options of {@link listAddresses}. */
export interface ListAddressesOptions {
  /** Only instances whose current object has this `id` attribute (`terraform state list -id=…`). */
  id?: string | undefined;
}

/** The legacy `id` of an instance's current object (`attributes.id` or `attributes_flat.id`). */
function legacyId(objects: readonly InstanceState[]): string {
  const cur = objects.find((o) => o.deposed === undefined);
  if (cur === undefined) return '';
  if (cur.attributes?.kind === 'object') {
    let id = '';
    for (const [k, v] of cur.attributes.entries) if (k === 'id' && v.kind === 'string') id = v.value;
    return id;
  }
  return cur.attributesFlat?.get('id') ?? '';
}

/**
 * Resource instance addresses as `terraform state list` prints them, in its order (root first,
 * then by module depth and path; data sources before managed resources; then type, name, key).
 * With filters, each filter's matches are listed in turn (a filter that matches nothing throws,
 * as Terraform does); invalid filter syntax throws a `UsageError`.
 */
export function listAddresses(
  s: StateFile,
  filters: readonly string[] = [],
  opts: ListAddressesOptions = {},
): string[] {
  let addrs: InstanceAddress[];
  if (filters.length === 0)
    addrs = allInstances(s)
      .map((f) => f.address)
      .sort(compareInstanceAddresses);
  else addrs = filters.flatMap((f) => lookupInstances(s, parseAddress(f), false));
  if (opts.id !== undefined) {
    const want = opts.id;
    const byAddr = new Map(allInstances(s).map((f) => [formatAddress(f.address), f.objects]));
    addrs = addrs.filter((a) => want === '' || legacyId(byAddr.get(formatAddress(a)) ?? []) === want);
  }
  return addrs.map(formatAddress);
}
