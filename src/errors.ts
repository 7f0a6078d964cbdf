/**
 * The one error base of s3state. Callers branch on `code` (stable strings) or on the brand,
 * never on `instanceof` across bundles.
 */
export type S3StateErrorCode =
  'CONFIG' | 'USAGE' | 'STATE' | 'LOCK' | 'AWS' | 'NOT_FOUND' | 'STORE' | 'INTERNAL';

const BRAND = Symbol.for('s3state.error');

/** Options shared by every s3state error. */
export interface S3StateErrorOptions {
  /** The lower-level error this one explains. */
  cause?: unknown;
  /** One sentence telling the user what to do next. */
  hint?: string | undefined;
  /** Longer text shown under the summary (the peers' "detail"). */
  detail?: string | undefined;
}

/** Base error: a stable `code`, a one-line message (the summary), optional detail and hint. */
export class S3StateError extends Error {
  readonly [BRAND] = true;
  readonly code: S3StateErrorCode;
  readonly hint: string | undefined;
  readonly detail: string | undefined;

  constructor(code: S3StateErrorCode, message: string, opts: S3StateErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'S3StateError';
    this.code = code;
    this.hint = opts.hint;
    this.detail = opts.detail;
  }
}

/** True when `e` is an s3state error (from any bundle), optionally of one code. */
export function isS3StateError(e: unknown, code?: S3StateErrorCode): e is S3StateError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (e as S3StateError).code === code)
  );
}

/** A diagnostic in the peers' shape (summary + detail), attached to an attribute path when known. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  /** Attribute path such as `assume_role.role_arn`, when the diagnostic is about one attribute. */
  path?: string;
}

/** Configuration rejected: carries every diagnostic (errors and warnings). */
export class ConfigError extends S3StateError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], opts: S3StateErrorOptions = {}) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super('CONFIG', first ? first.summary : 'Invalid configuration', {
      ...opts,
      detail: opts.detail ?? first?.detail,
    });
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}

/** Bad command-line usage (exit code 2). */
export class UsageError extends S3StateError {
  constructor(message: string, opts: S3StateErrorOptions = {}) {
    super('USAGE', message, opts);
    this.name = 'UsageError';
  }
}

/** A state that cannot be read, parsed or accepted. */
export class StateError extends S3StateError {
  constructor(message: string, opts: S3StateErrorOptions = {}) {
    super('STATE', message, opts);
    this.name = 'StateError';
  }
}
