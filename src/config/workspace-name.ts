import type { Diagnostic } from '../errors.ts';

// Go url.PathEscape leaves unreserved characters and these sub-delimiters unescaped in a path segment.
const PATH_SEGMENT_SAFE = /^[A-Za-z0-9\-_.~$&+,:;=@]*$/;

/**
 * Checks a workspace name like both peers' CLI: the name must equal Go's `url.PathEscape(name)`
 * (so no `/`, space, `%`, `?`, `#`, non-ASCII …) and must not be empty.
 * Returns an error diagnostic, or undefined when the name is valid.
 */
export function validateWorkspaceName(name: string): Diagnostic | undefined {
  if (name !== '' && PATH_SEGMENT_SAFE.test(name)) return undefined;
  return {
    severity: 'error',
    summary: 'Invalid workspace name',
    detail:
      `The workspace name ${JSON.stringify(name)} is not allowed. The name must contain only URL safe ` +
      'characters, contain no path separators, and not be an empty string.',
  };
}
