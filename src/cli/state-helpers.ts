import type { InstanceState, ResourceState, StateFile } from '../state/state-file.ts';
import type { OutputEntry } from './views/output-view.ts';
import { strconvQuote } from './views/go-quote.ts';

/** A resource instance's address as Terraform prints it (`module.a["k"].data.t.n[0]`). */
export function instanceAddress(r: ResourceState, i: Pick<InstanceState, 'indexKey'>): string {
  const key =
    i.indexKey === undefined
      ? ''
      : typeof i.indexKey === 'number'
        ? `[${i.indexKey}]`
        : `[${strconvQuote(i.indexKey)}]`;
  return `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}${key}`;
}

/** Addresses of managed resource instances that have a current object (what `workspace delete` refuses to drop). */
export function managedInstanceAddresses(s: StateFile): string[] {
  const out: string[] = [];
  for (const r of s.resources) {
    if (r.mode !== 'managed') continue;
    for (const i of r.instances) if (i.deposed === undefined) out.push(instanceAddress(r, i));
  }
  return out;
}

/** Root outputs of a state as the output views need them. */
export function outputsFromState(s: StateFile | undefined): OutputEntry[] {
  if (!s) return [];
  return [...s.outputs].map(([name, o]) => ({ name, value: o.value, type: o.type, sensitive: o.sensitive }));
}

/** True when a state has no resources and no outputs (the peers' "empty" for push and migration checks). */
export function isEmptyState(s: StateFile | undefined): boolean {
  return !s || (s.resources.every((r) => r.instances.length === 0) && s.outputs.size === 0);
}
