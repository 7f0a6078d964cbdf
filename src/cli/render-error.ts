import { formatDiagnostic } from './io.ts';

interface ErrorLike {
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
  diagnostics?: unknown;
  code?: unknown;
}

/**
 * Renders any thrown value in the peers' form: `Error: <summary>`, blank line, detail. A `ConfigError`
 * prints each of its diagnostics (warnings too); a hint is appended to the detail.
 */
export function renderError(e: unknown, color: boolean): string {
  const x = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as ErrorLike;
  if (Array.isArray(x.diagnostics) && x.diagnostics.length > 0) {
    return (
      x.diagnostics as { severity: 'error' | 'warning'; summary: string; detail: string; path?: string }[]
    )
      .map((d) => formatDiagnostic(d, color))
      .join('');
  }
  const summary = typeof x.message === 'string' && x.message !== '' ? x.message : 'Unknown error';
  let detail = typeof x.detail === 'string' ? x.detail : '';
  if (typeof x.hint === 'string' && x.hint !== '') detail = detail ? `${detail}\n\n${x.hint}` : x.hint;
  return formatDiagnostic({ severity: 'error', summary, detail }, color);
}

/** The usage line printed after a usage error. */
export function usageFooter(usage: string, command: string): string {
  return `\nUsage: ${usage}\nRun "s3state help ${command}" for more.\n`;
}
