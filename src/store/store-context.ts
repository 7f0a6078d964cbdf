/**
 * Types shared by the store's request handlers: the parsed request, the response, and the store context.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { DiskStore, BucketState } from './disk-store.ts';
import type { KeyMutex } from './key-mutex.ts';
import { S3Error } from './s3-error.ts';
import type { VerifiedAuth } from './sigv4-verifier.ts';

/** A parsed S3 request. */
export interface S3Request {
  req: IncomingMessage;
  method: string;
  operation: string;
  bucket?: string | undefined;
  key?: string | undefined;
  query: URLSearchParams;
  auth: VerifiedAuth | undefined;
  requestId: string;
  /** A request header (lower-case name), joined when repeated. */
  header(name: string): string | undefined;
}

/**
 * A response body: text, bytes, or a byte range of an already opened file (opened by the handler, so
 * a concurrent overwrite that unlinks the blob cannot break a read that has been answered).
 */
export type S3Body = string | Buffer | { fh: FileHandle; start: number; end: number } | undefined;

/** A handler's result. */
export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: S3Body;
}

/** Everything a handler needs from the running store. */
export interface StoreContext {
  disk: DiskStore;
  mutex: KeyMutex;
  region: string;
  report: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

/** The canonical owner shown in listings and ACLs (derived from the access key). */
export function ownerOf(r: S3Request): { id: string; name: string } {
  const ak = r.auth?.accessKeyId ?? 'anonymous';
  return { id: createHash('sha256').update(ak).digest('hex'), name: ak };
}

/** The bucket a request addresses; throws `NoSuchBucket`. */
export function needBucket(ctx: StoreContext, r: S3Request): BucketState {
  const name = r.bucket ?? '';
  const b = ctx.disk.buckets.get(name);
  if (!b) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
  return b;
}

/** The key a request addresses. */
export function needKey(r: S3Request): string {
  if (r.key === undefined || r.key === '')
    throw new S3Error('InvalidRequest', 'A key is required for this operation');
  return r.key;
}

/** HTTP date format used by S3 headers (RFC 7231). */
export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/** ISO-8601 with milliseconds, as S3 XML uses. */
export function isoDate(iso: string): string {
  return new Date(iso).toISOString();
}

/** Mutex key of an object. */
export function objectLockKey(bucket: string, key: string): string {
  return `${bucket}\u0000${key}`;
}
