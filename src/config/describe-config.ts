import { BACKEND_ATTRIBUTES } from './backend-attributes.ts';
import type { EndpointService } from './build-backend-options.ts';
import type { ResolvedValue } from './config-layer.ts';
import { maskAttributeValue } from './mask-secret.ts';
import { formatSource, type ValueSource } from './value-source.ts';

/** One attribute line of {@link describeConfig}. */
export interface DescribedAttribute {
  name: string;
  /** The value, with secrets masked. */
  value: unknown;
  /** Human source text (`main.tf:3`, `AWS_DEFAULT_REGION`, `default`). */
  source: string;
  /** The structured source (for `-json`). */
  sourceDetail: ValueSource;
}

/** Data for `s3state config` / `init -show`: every set attribute (masked) and where it came from. */
export interface ConfigDescription {
  attributes: DescribedAttribute[];
  /** Resolved endpoints per service (as written) with their sources. */
  endpoints: { service: string; value: string; source: string }[];
  workspace: { name: string; source: string };
}

/** The part of a resolved configuration {@link describeConfig} reads. */
export interface DescribableConfig {
  values: Record<string, ResolvedValue>;
  endpoints?: Partial<Record<EndpointService, ResolvedValue>>;
  workspace: { name: string; source: ValueSource };
}

/**
 * Describes a resolved configuration for display: attributes in the table's order, secrets masked
 * (`secret_key`, `token`, `sse_customer_key`, web identity token; `access_key` partially).
 * @param opts.includeDefaults list attributes that only have their default. @default true
 */
export function describeConfig(
  r: DescribableConfig,
  opts: { includeDefaults?: boolean } = {},
): ConfigDescription {
  const includeDefaults = opts.includeDefaults ?? true;
  const attributes: DescribedAttribute[] = [];
  for (const spec of BACKEND_ATTRIBUTES) {
    const rv = r.values[spec.name];
    if (!rv) continue;
    if (!includeDefaults && rv.source.kind === 'default') continue;
    attributes.push({
      name: spec.name,
      value: maskAttributeValue(spec.name, rv.value),
      source: formatSource(rv.source),
      sourceDetail: rv.source,
    });
  }
  const endpoints = Object.entries(r.endpoints ?? {}).map(([service, rv]) => ({
    service,
    value: String(rv.value),
    source: formatSource(rv.source),
  }));
  return {
    attributes,
    endpoints,
    workspace: { name: r.workspace.name, source: formatSource(r.workspace.source) },
  };
}
