/**
 * SSE-C (customer-provided key) checks: header validation, and a salted hash so the store can verify
 * a later request's key without ever storing the key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SseCInfo } from './disk-store.ts';
import { S3Error } from './s3-error.ts';

/** A validated customer key from request headers. */
export interface CustomerKey {
  algorithm: string;
  key: Buffer;
  keyMd5: string;
}

/** Header prefix of the object's own SSE-C key. */
export const SSEC_PREFIX = 'x-amz-server-side-encryption-customer-';
/** Header prefix of a copy source's SSE-C key. */
export const COPY_SOURCE_SSEC_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';

/** Reads and validates SSE-C headers; undefined when none are present. Throws 400 `InvalidArgument`. */
export function parseCustomerKey(
  header: (name: string) => string | undefined,
  prefix: string = SSEC_PREFIX,
): CustomerKey | undefined {
  const algorithm = header(`${prefix}algorithm`);
  const keyB64 = header(`${prefix}key`);
  const keyMd5 = header(`${prefix}key-md5`);
  if (algorithm === undefined && keyB64 === undefined && keyMd5 === undefined) return undefined;
  if (algorithm === undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
      { ArgumentName: `${prefix}algorithm` },
    );
  }
  if (algorithm !== 'AES256') {
    throw new S3Error(
      'InvalidArgument',
      'The requested encryption algorithm is not valid. SSE-C supports only AES256.',
      { ArgumentName: `${prefix}algorithm`, ArgumentValue: algorithm },
    );
  }
  if (keyB64 === undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
      { ArgumentName: `${prefix}key` },
    );
  }
  const key = Buffer.from(keyB64, 'base64');
  if (key.length !== 32 || key.toString('base64') !== keyB64.trim()) {
    throw new S3Error(
      'InvalidArgument',
      'The secret key was invalid for the specified algorithm: it must be 32 bytes, base64 encoded.',
      { ArgumentName: `${prefix}key` },
    );
  }
  const md5 = createHash('md5').update(key).digest('base64');
  if (keyMd5 === undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
      { ArgumentName: `${prefix}key-MD5` },
    );
  }
  if (keyMd5.trim() !== md5) {
    throw new S3Error(
      'InvalidArgument',
      'The calculated MD5 hash of the key did not match the hash that was provided.',
      { ArgumentName: `${prefix}key-MD5` },
    );
  }
  return { algorithm, key, keyMd5: md5 };
}

function saltedHash(salt: Buffer, key: Buffer): Buffer {
  return createHash('sha256').update(salt).update(key).digest();
}

/** What is stored for an SSE-C object: never the key, only its MD5 and a salted SHA-256. */
export function sealCustomerKey(k: CustomerKey): SseCInfo {
  const salt = randomBytes(16);
  return {
    algorithm: k.algorithm,
    keyMd5: k.keyMd5,
    salt: salt.toString('base64'),
    hash: saltedHash(salt, k.key).toString('base64'),
  };
}

/**
 * Checks a read of a stored object against the key the request supplied:
 * stored SSE-C without key → 400 `InvalidRequest`; wrong key → 403 `AccessDenied`;
 * key supplied for a non-SSE-C object → 400 `InvalidRequest`.
 */
export function checkCustomerKey(stored: SseCInfo | undefined, given: CustomerKey | undefined): void {
  if (!stored) {
    if (given) {
      throw new S3Error('InvalidRequest', 'The encryption parameters are not applicable to this object.');
    }
    return;
  }
  if (!given) {
    throw new S3Error(
      'InvalidRequest',
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
  }
  const h = saltedHash(Buffer.from(stored.salt, 'base64'), given.key);
  const want = Buffer.from(stored.hash, 'base64');
  if (h.length !== want.length || !timingSafeEqual(h, want)) {
    throw new S3Error(
      'AccessDenied',
      'Access Denied: the SSE-C key does not match the key the object was written with.',
    );
  }
}

/** Response headers echoing an object's SSE-C parameters. */
export function customerKeyHeaders(stored: SseCInfo | undefined): Record<string, string> {
  if (!stored) return {};
  return {
    'x-amz-server-side-encryption-customer-algorithm': stored.algorithm,
    'x-amz-server-side-encryption-customer-key-md5': stored.keyMd5,
  };
}
