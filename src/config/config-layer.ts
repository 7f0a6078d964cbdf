import type { Diagnostic } from '../errors.ts';
import { attributesFor, findAttribute, type Flavor } from './backend-attributes.ts';
import { closestName } from './closest-name.ts';
import { coerceValue } from './coerce-value.ts';
import { atLocation } from './parse-hcl.ts';
import { formatSource, type ValueSource } from './value-source.ts';

/** One raw attribute value as read from a source, before type conversion. */
export interface RawValue {
  raw: unknown;
  source: ValueSource;
  /**
   * Set by the `-backend-config=KEY=VALUE` reader: the argument as given, for the peers'
   * `Invalid backend configuration argument -backend-config="k=v": …` wording.
   */
  argText?: string;
  /** Lines of nested members (`assume_role.role_arn` → 7), when the reader knows them. */
  nestedLines?: Record<string, number>;
}

/** The source of a nested member: the same file, at the member's own line when known. */
function nestedSource(rv: RawValue, path: string): RawValue {
  const line = rv.nestedLines?.[path];
  if (line === undefined) return rv;
  if (rv.source.kind === 'hcl' || rv.source.kind === 'backend-config-file') {
    return { ...rv, source: { ...rv.source, line } };
  }
  return rv;
}

/** Attribute values from one source (a backend block, a `.tfbackend` file, one `k=v` argument, …). */
export interface ConfigLayer {
  values: Record<string, RawValue>;
}

/** A value after merging, with the source it came from. */
export interface ResolvedValue {
  value: unknown;
  source: ValueSource;
}

function fileAndLine(source: ValueSource): { file: string; line?: number } | undefined {
  switch (source.kind) {
    case 'hcl':
      return { file: source.file, line: source.line };
    case 'backend-config-file':
      return source.line === undefined ? { file: source.file } : { file: source.file, line: source.line };
    case 'terraform-dir':
    case 'init-record':
      return { file: source.file };
    default:
      return undefined;
  }
}

/** Diagnostic for an attribute name the schema does not have, in the peers' words for that source. */
export function unsupportedArgument(
  name: string,
  source: ValueSource,
  flavor: Flavor,
  parent?: string,
): Diagnostic {
  if (source.kind === 'backend-config-arg' && parent === undefined) {
    return {
      severity: 'error',
      summary: 'Invalid backend configuration argument',
      detail: `The backend configuration argument "${name}" given on the command line is not expected for the selected backend type.`,
      path: name,
    };
  }
  const known = attributesFor(flavor, parent).map((a) => a.name);
  const suggestion = closestName(name, known);
  let detail = `An argument named "${name}" is not expected here.`;
  if (suggestion !== undefined) detail += ` Did you mean "${suggestion}"?`;
  const loc = fileAndLine(source);
  const where = source.kind === 'backend-config-arg' ? `In -backend-config #${source.index + 1}: ` : '';
  return {
    severity: 'error',
    summary: 'Unsupported argument',
    detail: loc ? atLocation(loc.file, loc.line, detail) : where + detail,
    path: parent === undefined ? name : `${parent}.${name}`,
  };
}

/** Diagnostic for a value of the wrong type, in the peers' words for that source. */
export function incorrectType(path: string, error: string, rv: RawValue): Diagnostic {
  // Primitive KEY=VALUE arguments are converted by the CLI; objects are decoded later with the schema.
  if (rv.source.kind === 'backend-config-arg' && typeof rv.raw === 'string') {
    return {
      severity: 'error',
      summary: 'Invalid backend configuration value',
      detail: `Invalid backend configuration argument -backend-config="${rv.argText ?? path}": ${error}`,
      path,
    };
  }
  const detail = `Inappropriate value for attribute "${path}": ${error}.`;
  const loc = fileAndLine(rv.source);
  return {
    severity: 'error',
    summary: 'Incorrect attribute value type',
    detail: loc
      ? atLocation(loc.file, loc.line, detail)
      : rv.source.kind === 'backend-config-arg'
        ? detail
        : `${detail} (from ${formatSource(rv.source)})`,
    path,
  };
}

/**
 * Merges layers in order (later layers win, attribute by attribute, like `terraform init`'s
 * `-backend-config` overrides; a nested block or `endpoints` object is replaced as a whole) and converts
 * every value to its attribute's type. `null` values are unset and do not override.
 * Returns the typed values with their sources, and error diagnostics for unknown names and wrong types.
 */
export function mergeLayers(
  layers: readonly ConfigLayer[],
  flavor: Flavor,
): { values: Record<string, ResolvedValue>; diagnostics: Diagnostic[] } {
  const values: Record<string, ResolvedValue> = {};
  const diagnostics: Diagnostic[] = [];
  for (const layer of layers) {
    for (const [name, rv] of Object.entries(layer.values)) {
      const spec = findAttribute(name);
      if (!spec || !spec.flavors.includes(flavor)) {
        // A saved configuration lists every attribute of its writer's schema with nulls; the other
        // peer's extra attributes are harmless when unset.
        if (rv.raw === null && (rv.source.kind === 'terraform-dir' || rv.source.kind === 'init-record'))
          continue;
        diagnostics.push(unsupportedArgument(name, rv.source, flavor));
        continue;
      }
      const r = coerceValue(spec, rv.raw, flavor);
      if (!r.ok) {
        const at = r.path === undefined ? rv : nestedSource(rv, r.path);
        if (r.unsupported) {
          diagnostics.push(unsupportedArgument(r.unsupported.name, at.source, flavor, name));
        } else {
          diagnostics.push(incorrectType(r.path ?? name, r.error, at));
        }
        continue;
      }
      if (r.value === null) continue;
      values[name] = { value: r.value, source: rv.source };
    }
  }
  return { values, diagnostics };
}
