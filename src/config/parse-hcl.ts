import { createRequire } from 'node:module';
import type { Diagnostic } from '../errors.ts';

/** Outcome of parsing one HCL file: its JSON form, or the parser's first diagnostic with file:line. */
export type HclParseResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; diagnostic: Diagnostic; line?: number | undefined };

// hcl2json reports: `parse config: [main.tf:3,11-4,1: Invalid expression; Expected the start …]`
const HCL_ERROR_RE = /\[([^\]]*?):(\d+),(\d+)(?:-[\d,]+)?: ([^;\]]+); ([^\]]*)\]/;

/**
 * Parses HCL native syntax with the maintained HashiCorp parser (via `@cdktf/hcl2json`, wasm).
 * `displayName` is used in messages (e.g. `main.tf`).
 */
export async function parseHcl(displayName: string, text: string): Promise<HclParseResult> {
  try {
    // Loaded on first use: commands that need no HCL do not pay for the wasm parser. A CommonJS
    // package, required (not imported) so the CLI bundle has no dynamic import (see src/cli/launch.ts).
    const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as typeof import('@cdktf/hcl2json');
    const value = (await parse(displayName, text)) as Record<string, unknown>;
    return { ok: true, value };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = HCL_ERROR_RE.exec(msg);
    if (m) {
      const line = Number(m[2]);
      return {
        ok: false,
        line,
        diagnostic: {
          severity: 'error',
          summary: (m[4] ?? 'Invalid HCL').trim(),
          detail: atLocation(m[1] ?? displayName, line, (m[5] ?? '').trim()),
        },
      };
    }
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        summary: 'Invalid HCL',
        detail: `${displayName} could not be parsed: ${msg.replace(/^Error: /, '')}`,
      },
    };
  }
}

/** Prefixes a diagnostic detail with its location: `On main.tf line 6: …`. */
export function atLocation(file: string, line: number | undefined, detail: string): string {
  return line === undefined ? `In ${file}: ${detail}` : `On ${file} line ${line}: ${detail}`;
}

/**
 * hcl2json renders expressions it cannot evaluate (references, function calls) as `${…}` templates and
 * keeps literal `$${` / `%%{` escapes. Backend configuration must be static, as in the peers: returns
 * the peers' diagnostic for the first dynamic expression found in `value`, else undefined.
 */
export function findDynamicExpression(value: unknown): { summary: string; detail: string } | undefined {
  if (typeof value === 'string') {
    const m = /(?<![$])\$\{\s*([^}]*)\}/.exec(value);
    if (!m) return undefined;
    const expr = m[1] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_:]*\s*\(/.test(expr)) {
      return { summary: 'Function calls not allowed', detail: 'Functions may not be called here.' };
    }
    return { summary: 'Variables not allowed', detail: 'Variables may not be used here.' };
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const r = findDynamicExpression(v);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) {
      const r = findDynamicExpression(v);
      if (r) return r;
    }
  }
  return undefined;
}

/** Undoes HCL template escapes that hcl2json leaves in strings (`$${` → `${`, `%%{` → `%{`). */
export function unescapeTemplates(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$${', '${').replaceAll('%%{', '%{');
  if (Array.isArray(value)) return value.map(unescapeTemplates);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeTemplates(v)]));
  }
  return value;
}
