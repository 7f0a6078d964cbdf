import { randomBytes } from 'node:crypto';

/**
 * A new state lineage in go-uuid's `GenerateUUID` format: 16 crypto-random bytes as lowercase hex
 * grouped 8-4-4-4-12 (no version/variant bits are set, unlike RFC 4122 v4).
 */
export function newLineage(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True when `s` has the go-uuid lineage shape (8-4-4-4-12 hex digits). */
export function isLineage(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
