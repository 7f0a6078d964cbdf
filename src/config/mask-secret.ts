import { findAttributePath, type Sensitivity } from './backend-attributes.ts';

/**
 * Masks a secret for display. `secret` values become `(sensitive value)`; `partial` values (access key
 * IDs) keep their last 4 characters: `****************MPLE`. Non-strings are masked whole.
 * @param how @default 'secret'
 */
export function maskSecret(value: unknown, how: Sensitivity = 'secret'): string {
  if (how === 'partial' && typeof value === 'string' && value.length > 4) {
    return '*'.repeat(value.length - 4) + value.slice(-4);
  }
  return '(sensitive value)';
}

/**
 * Returns `value` with every sensitive attribute (by the table) masked, for attribute `path`
 * (`secret_key`, `assume_role_with_web_identity`, …). Nested objects are masked member by member.
 */
export function maskAttributeValue(path: string, value: unknown): unknown {
  const spec = findAttributePath(path);
  if (spec?.sensitive) return maskSecret(value, spec.sensitive);
  if (spec?.nested && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskAttributeValue(`${path}.${k}`, v)]),
    );
  }
  return value;
}
