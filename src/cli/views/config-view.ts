import type { ConfigDescription } from '../../config/describe-config.ts';

/** Human form of `s3state config`: `name = value   # source`, aligned; endpoints and workspace after. */
export function renderConfigHuman(d: ConfigDescription, origin: string, files: string[]): string {
  const rows = d.attributes.map((a) => [a.name, formatConfigValue(a.value), a.source] as const);
  const w1 = Math.max(0, ...rows.map((r) => r[0].length));
  const w2 = Math.max(0, ...rows.map((r) => r[1].length));
  let out = `Backend "s3" configuration (from ${originText(origin)}):\n\n`;
  for (const [n, v, s] of rows) out += `  ${n.padEnd(w1)} = ${v.padEnd(w2)}  # ${s}\n`;
  if (d.endpoints.length > 0) {
    out += '\nEndpoints:\n';
    for (const e of d.endpoints) out += `  ${e.service.padEnd(9)} ${e.value}  # ${e.source}\n`;
  }
  out += `\nWorkspace: ${d.workspace.name}  # ${d.workspace.source}\n`;
  if (files.length > 0) out += `\nFiles read:\n${files.map((f) => `  ${f}\n`).join('')}`;
  return out;
}

function originText(origin: string): string {
  switch (origin) {
    case 'terraform-dir':
      return 'the configuration saved by terraform init in .terraform/';
    case 'init-record':
      return 'the record written by s3state init in .s3state/';
    default:
      return 'the backend block and -backend-config';
  }
}

/** An attribute value in HCL-ish form (strings quoted, lists and maps inline). */
export function formatConfigValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(formatConfigValue).join(', ')}]`;
  if (typeof v === 'object') {
    return `{ ${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} = ${formatConfigValue(x)}`)
      .join(', ')} }`;
  }
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : JSON.stringify(v);
}
