import { StateError } from '../errors.ts';
import type { Diagnostic, S3StateErrorOptions } from '../errors.ts';
import {
  compareModules,
  findResources,
  formatAddress,
  formatModule,
  lookupInstances,
  parseAddress,
  parseModulePath,
  sameModule,
} from './addresses.ts';
import type { Address, InstanceAddress, ModuleStep, ResourceAddress } from './addresses.ts';
import type { ResourceState, StateFile } from './state-file.ts';

/**
 * A `state rm` / `state mv` request Terraform would refuse. `diagnostics` holds every problem found
 * (Terraform reports them together); the message and detail are the first one's.
 */
export class StateEditError extends StateError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], opts: S3StateErrorOptions = {}) {
    const first = diagnostics[0];
    super(first?.summary ?? 'Invalid state edit', { ...opts, detail: opts.detail ?? first?.detail });
    this.name = 'StateEditError';
    this.diagnostics = diagnostics;
  }
}

function fail(summary: string, detail: string): never {
  throw new StateEditError([{ severity: 'error', summary, detail }]);
}

/** A copy whose resource and instance arrays may be edited without touching the original. */
function cloneState(s: StateFile): StateFile {
  return { ...s, resources: s.resources.map((r) => ({ ...r, instances: [...r.instances] })) };
}

function removeInstance(s: StateFile, a: InstanceAddress): void {
  for (const r of findResources(s, a)) {
    r.instances = r.instances.filter((i) => i.indexKey !== a.key);
    if (r.instances.length === 0) s.resources = s.resources.filter((x) => x !== r);
  }
}

/** Options of {@link removeAddresses}. */
export interface RemoveOptions {
  /** Return an empty `removed` list instead of throwing when nothing matched (`-dry-run`). */
  allowNone?: boolean | undefined;
}

/** Result of {@link removeAddresses}. */
export interface RemoveResult {
  /** The new state (the input is not modified). */
  state: StateFile;
  /** Removed instance addresses, in the order `terraform state rm` prints `Removed <addr>`. */
  removed: string[];
}

/**
 * `terraform state rm`: removes every instance (current and deposed objects) matched by each
 * address — a module address removes its descendants too, a resource address all its instances —
 * and drops resources left without instances. Addresses that match nothing are skipped; when
 * nothing at all matched, throws `Invalid target address` (`No matching objects found. …`) unless
 * `allowNone`. Invalid syntax throws a `UsageError`.
 */
export function removeAddresses(
  s: StateFile,
  addrs: readonly string[],
  opts: RemoveOptions = {},
): RemoveResult {
  const targets = addrs.flatMap((text) => lookupInstances(s, parseAddress(text), true));
  const state = cloneState(s);
  for (const t of targets) removeInstance(state, t);
  if (targets.length === 0 && opts.allowNone !== true) {
    fail(
      'Invalid target address',
      'No matching objects found. To view the available instances, use "terraform state list". Please modify the address to reference a specific instance.',
    );
  }
  return { state, removed: targets.map(formatAddress) };
}

/** One object moved by {@link moveAddress}, as `Move "<from>" to "<to>"` reports it. */
export interface MovedObject {
  from: string;
  to: string;
}

/** Options of {@link moveAddress}. */
export interface MoveOptions {
  /** Destination state when moving between states (`-state-out`); default: the same state. */
  target?: StateFile | undefined;
}

/** Result of {@link moveAddress}. */
export interface MoveResult {
  /** The source state after the move (the input is not modified). */
  state: StateFile;
  /** The destination state when `target` was given. */
  target?: StateFile | undefined;
  /** What moved, in order. */
  moved: MovedObject[];
}

function moduleHasPrefix(m: readonly ModuleStep[], prefix: readonly ModuleStep[]): boolean {
  return m.length >= prefix.length && sameModule(m.slice(0, prefix.length), prefix);
}

function modulesOf(s: StateFile): ModuleStep[][] {
  const seen = new Map<string, ModuleStep[]>();
  for (const r of s.resources) if (!seen.has(r.module)) seen.set(r.module, parseModulePath(r.module));
  return [...seen.values()].sort(compareModules);
}

function moduleExists(s: StateFile, m: readonly ModuleStep[]): boolean {
  return s.resources.some((r) => sameModule(parseModulePath(r.module), m));
}

function checkResourceMove(from: ResourceAddress, to: ResourceAddress): Diagnostic[] {
  const d: Diagnostic[] = [];
  const f = formatAddress(from);
  const t = formatAddress(to);
  if (from.mode !== to.mode) {
    d.push({
      severity: 'error',
      summary: 'Invalid state move request',
      detail:
        from.mode === 'managed'
          ? `Cannot move ${f} to ${t}: a managed resource can be moved only to another managed resource address.`
          : `Cannot move ${f} to ${t}: a data resource can be moved only to another data resource address.`,
    });
  }
  if (from.type !== to.type) {
    d.push({
      severity: 'error',
      summary: 'Invalid state move request',
      detail: `Cannot move ${f} to ${t}: resource types don't match.`,
    });
  }
  return d;
}

function asResource(a: ResourceAddress | InstanceAddress): ResourceAddress {
  return { kind: 'resource', module: a.module, mode: a.mode, type: a.type, name: a.name };
}

/** The configuration address (module names without keys) of a resource, as `dependencies` hold them. */
function configResource(a: ResourceAddress | InstanceAddress): string {
  const mod = a.module.map((m) => `module.${m.name}.`).join('');
  return `${mod}${a.mode === 'data' ? 'data.' : ''}${a.type}.${a.name}`;
}

/** Terraform's "drop dependencies that point at what just moved" rule. */
function dependencyAffected(dep: string, moved: Address): boolean {
  if (moved.kind !== 'module') return dep === configResource(moved);
  if (moved.module.some((m) => m.key !== undefined)) return false;
  const prefix = moved.module.map((m) => `module.${m.name}.`).join('');
  return dep.startsWith(prefix);
}

function clearDependencies(s: StateFile, moved: Address): void {
  for (const r of s.resources) {
    r.instances = r.instances.map((i) =>
      i.deposed === undefined && i.dependencies?.some((d) => dependencyAffected(d, moved)) === true
        ? { ...i, dependencies: undefined }
        : i,
    );
  }
}

/**
 * `terraform state mv SOURCE DESTINATION`: moves a module (with its child modules), a whole
 * resource, or one resource instance, with Terraform's rules and error texts (`Invalid source
 * address`, `Invalid target address`, `Invalid state move request`, `Error moving state:
 * destination module already exists`). A resource address without `count`/`for_each` is treated as
 * its single instance. Dependencies that pointed at the moved object are cleared, as Terraform does.
 * Throws {@link StateEditError}; the inputs are not modified.
 */
export function moveAddress(s: StateFile, src: string, dst: string, opts: MoveOptions = {}): MoveResult {
  const sourceAddr = parseAddress(src);
  const destAddr = parseAddress(dst);
  const from = cloneState(s);
  const to = opts.target === undefined ? from : cloneState(opts.target);
  const srcText = formatAddress(sourceAddr);
  const dstText = formatAddress(destAddr);

  let sources: Address[] = [];
  if (sourceAddr.kind === 'module') {
    sources = modulesOf(from)
      .filter((m) => m.length > 0 && moduleHasPrefix(m, sourceAddr.module))
      .map((module) => ({ kind: 'module', module }));
  } else if (sourceAddr.kind === 'resource') {
    const rs = findResources(from, sourceAddr)[0];
    if (rs !== undefined) {
      sources = [
        rs.instances.some((i) => i.indexKey === undefined) ? { ...sourceAddr, kind: 'instance' } : sourceAddr,
      ];
    }
  } else sources = [sourceAddr];
  if (sources.length === 0) {
    fail('Invalid source address', `Cannot move ${srcText}: does not match anything in the current state.`);
  }

  const moved: MovedObject[] = [];
  for (const addrFrom of sources) {
    const fromText = formatAddress(addrFrom);
    if (addrFrom.kind === 'module') {
      if (destAddr.kind !== 'module') {
        fail(
          'Invalid target address',
          `Cannot move ${fromText} to ${dstText}: the target must also be a module.`,
        );
      }
      const search = (sourceAddr as typeof addrFrom).module;
      const addrTo = [...destAddr.module, ...addrFrom.module.slice(search.length)];
      if (moduleExists(to, addrTo)) {
        throw new StateEditError([
          {
            severity: 'error',
            summary: 'Error moving state: destination module already exists',
            detail:
              'Please ensure your addresses and state paths are valid. No state was persisted. Your existing states are untouched.',
          },
        ]);
      }
      const rs = from.resources.filter((r) => sameModule(parseModulePath(r.module), addrFrom.module));
      if (rs.length === 0) fail('Invalid source address', `The current state does not contain ${fromText}.`);
      from.resources = from.resources.filter((r) => !rs.includes(r));
      const modText = formatModule(addrTo);
      for (const r of rs) to.resources.push({ ...r, module: modText });
      moved.push({ from: fromText, to: modText });
    } else if (addrFrom.kind === 'resource') {
      if (destAddr.kind !== 'resource') {
        fail(
          'Invalid target address',
          `Cannot move ${fromText} to ${dstText}: the source is a whole resource (not a resource instance) so the target must also be a whole resource.`,
        );
      }
      const diags = checkResourceMove(addrFrom, destAddr);
      if (findResources(to, destAddr).length > 0) {
        diags.push({
          severity: 'error',
          summary: 'Invalid target address',
          detail: `Cannot move to ${dstText}: there is already a resource at that address in the current state.`,
        });
      }
      const rs = findResources(from, addrFrom)[0];
      if (rs === undefined) {
        diags.push({
          severity: 'error',
          summary: 'Invalid source address',
          detail: `The current state does not contain ${fromText}.`,
        });
      }
      if (diags.length > 0 || rs === undefined) throw new StateEditError(diags);
      from.resources = from.resources.filter((r) => r !== rs);
      to.resources.push({
        ...rs,
        module: formatModule(destAddr.module),
        mode: destAddr.mode,
        type: destAddr.type,
        name: destAddr.name,
      });
      moved.push({ from: fromText, to: dstText });
    } else {
      let addrTo: InstanceAddress;
      if (destAddr.kind === 'instance') addrTo = destAddr;
      else if (destAddr.kind === 'resource') addrTo = { ...destAddr, kind: 'instance' };
      else {
        fail(
          'Invalid target address',
          `Cannot move ${fromText} to ${dstText}: the target must also be a resource instance.`,
        );
      }
      const diags = checkResourceMove(asResource(addrFrom), asResource(addrTo));
      const destRes = findResources(to, addrTo);
      if (destRes.some((r) => r.instances.some((i) => i.indexKey === addrTo.key))) {
        diags.push({
          severity: 'error',
          summary: 'Invalid target address',
          detail: `Cannot move to ${formatAddress(addrTo)}: there is already a resource instance at that address in the current state.`,
        });
      }
      const srcRes = findResources(from, addrFrom)[0];
      const objects = srcRes?.instances.filter((i) => i.indexKey === addrFrom.key) ?? [];
      if (srcRes === undefined || objects.length === 0) {
        diags.push({
          severity: 'error',
          summary: 'Invalid source address',
          detail: `The current state does not contain ${fromText}.`,
        });
      }
      if (diags.length > 0 || srcRes === undefined) throw new StateEditError(diags);
      srcRes.instances = srcRes.instances.filter((i) => !objects.includes(i));
      if (srcRes.instances.length === 0) from.resources = from.resources.filter((r) => r !== srcRes);
      let target: ResourceState | undefined = findResources(to, addrTo)[0];
      if (target === undefined) {
        target = {
          module: formatModule(addrTo.module),
          mode: addrTo.mode,
          type: addrTo.type,
          name: addrTo.name,
          provider: srcRes.provider,
          instances: [],
        };
        to.resources.push(target);
      }
      for (const o of objects) {
        const copy = { ...o };
        if (addrTo.key === undefined) delete copy.indexKey;
        else copy.indexKey = addrTo.key;
        target.instances.push(copy);
      }
      moved.push({ from: fromText, to: dst });
    }
    clearDependencies(to, addrFrom);
  }
  return opts.target === undefined ? { state: from, moved } : { state: from, target: to, moved };
}
