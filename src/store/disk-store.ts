/**
 * Durable on-disk layout of the store, mirrored in memory.
 *
 * Layout under `dataDir`:
 * - `buckets/<name>/bucket.json` — bucket settings (the bucket exists once this file is committed);
 * - `buckets/<name>/keys/<sha256(key)>.json` — one manifest per key: every version's metadata;
 * - `blobs/<id>` — one immutable file per object version's bytes;
 * - `uploads/<uploadId>/upload.json` and `part-*` files — multipart uploads in progress;
 * - `tmp/` — files being written.
 *
 * Every write goes to `tmp/`, is fsynced, renamed into place, and the directory is fsynced. A blob is
 * committed before the manifest that references it, so a crash leaves at worst an orphan blob, which
 * {@link DiskStore.open} removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChecksumAlgorithm } from './checksums.ts';

/** SSE-S3 / SSE-KMS settings of an object, as echoed. */
export interface SseInfo {
  algorithm: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** SSE-C record: the key's MD5 (as the client sent it) and a salted hash of the key; never the key. */
export interface SseCInfo {
  algorithm: string;
  keyMd5: string;
  salt: string;
  hash: string;
}

/** One version of an object (or a delete marker). */
export interface VersionRecord {
  /** Version id; `'null'` for objects written while versioning was off or suspended. */
  versionId: string;
  deleteMarker: boolean;
  /** ISO-8601 time of the write. */
  lastModified: string;
  /** Blob id holding the bytes (absent for delete markers). */
  blob?: string;
  size: number;
  /** Quoted ETag. */
  etag: string;
  /** Stored entity headers (content-type, content-encoding, cache-control, …), lower-case names. */
  headers: Record<string, string>;
  /** User metadata, names without the `x-amz-meta-` prefix. */
  meta: Record<string, string>;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  sse?: SseInfo;
  ssec?: SseCInfo;
  tags: [string, string][];
  acl?: string;
  storageClass?: string;
  /** Part count when written by multipart upload. */
  parts?: number;
  /** Size of each part, in order, when written by multipart upload (serves `?partNumber=`). */
  partSizes?: number[];
}

/** A bucket's settings. */
export interface BucketRecord {
  name: string;
  created: string;
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  /** Stored configuration documents by subresource (`encryption`, `policy`, `tagging`, …). */
  settings: Record<string, string>;
  acl?: string;
}

/** A bucket in memory: its record and every key's versions (newest first). */
export interface BucketState {
  record: BucketRecord;
  objects: Map<string, VersionRecord[]>;
  /** Keys sorted by UTF-8 bytes, rebuilt lazily after writes. */
  sorted?: string[] | undefined;
}

/** One uploaded part of a multipart upload. */
export interface PartRecord {
  partNumber: number;
  file: string;
  etag: string;
  size: number;
  lastModified: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** A multipart upload in progress. */
export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  headers: Record<string, string>;
  meta: Record<string, string>;
  tags: [string, string][];
  sse?: SseInfo;
  ssec?: SseCInfo;
  acl?: string;
  storageClass?: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  parts: Record<string, PartRecord>;
}

/** A random id for blobs, uploads and versions (URL-safe). */
export function newId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function keyFile(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex') + '.json';
}

/** The store's disk state and its in-memory mirror. */
export class DiskStore {
  readonly dataDir: string;
  readonly buckets = new Map<string, BucketState>();
  readonly uploads = new Map<string, UploadRecord>();

  private constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Opens (creating when needed) a data folder, loads it, and removes leftovers of interrupted writes. */
  static async open(dataDir: string): Promise<DiskStore> {
    const s = new DiskStore(dataDir);
    for (const d of ['buckets', 'blobs', 'uploads', 'tmp'])
      await mkdir(join(dataDir, d), { recursive: true });
    await rm(join(dataDir, 'tmp'), { recursive: true, force: true });
    await mkdir(join(dataDir, 'tmp'), { recursive: true });
    const used = new Set<string>();
    for (const name of await readdir(join(dataDir, 'buckets'))) {
      const dir = join(dataDir, 'buckets', name);
      let record: BucketRecord;
      try {
        record = JSON.parse(await readFile(join(dir, 'bucket.json'), 'utf8')) as BucketRecord;
      } catch {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      const objects = new Map<string, VersionRecord[]>();
      await mkdir(join(dir, 'keys'), { recursive: true });
      for (const f of await readdir(join(dir, 'keys'))) {
        if (!f.endsWith('.json')) continue;
        const m = JSON.parse(await readFile(join(dir, 'keys', f), 'utf8')) as {
          key: string;
          versions: VersionRecord[];
        };
        if (m.versions.length === 0) continue;
        objects.set(m.key, m.versions);
        for (const v of m.versions) if (v.blob) used.add(v.blob);
      }
      s.buckets.set(name, { record, objects });
    }
    for (const b of await readdir(join(dataDir, 'blobs'))) {
      if (!used.has(b)) await unlink(join(dataDir, 'blobs', b)).catch(() => undefined);
    }
    for (const id of await readdir(join(dataDir, 'uploads'))) {
      try {
        const u = JSON.parse(
          await readFile(join(dataDir, 'uploads', id, 'upload.json'), 'utf8'),
        ) as UploadRecord;
        if (s.buckets.has(u.bucket)) s.uploads.set(id, u);
        else await rm(join(dataDir, 'uploads', id), { recursive: true, force: true });
      } catch {
        await rm(join(dataDir, 'uploads', id), { recursive: true, force: true });
      }
    }
    return s;
  }

  /** A fresh path in `tmp/` for a file being written. */
  tempPath(): string {
    return join(this.dataDir, 'tmp', newId(18));
  }

  /** Path of a committed blob. */
  blobPath(id: string): string {
    return join(this.dataDir, 'blobs', id);
  }

  /** Writes `data` to `path` atomically and durably (temp file, fsync, rename, fsync dir). */
  async writeAtomic(path: string, dir: string, data: string | Buffer): Promise<void> {
    const tmp = this.tempPath();
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await fsyncDir(dir);
  }

  /** Moves a fully written and fsynced temp file into `blobs/`; returns its id. */
  async commitBlob(tmp: string): Promise<string> {
    const id = newId(18);
    await rename(tmp, this.blobPath(id));
    await fsyncDir(join(this.dataDir, 'blobs'));
    return id;
  }

  /** Deletes a blob no manifest references any more. */
  async removeBlob(id: string): Promise<void> {
    await unlink(this.blobPath(id)).catch(() => undefined);
  }

  /** Creates a bucket durably. */
  async createBucket(record: BucketRecord): Promise<void> {
    const dir = join(this.dataDir, 'buckets', record.name);
    await mkdir(join(dir, 'keys'), { recursive: true });
    await this.writeAtomic(join(dir, 'bucket.json'), dir, JSON.stringify(record));
    await fsyncDir(join(this.dataDir, 'buckets'));
    this.buckets.set(record.name, { record, objects: new Map() });
  }

  /** Persists a bucket's settings after a change. */
  async saveBucket(b: BucketState): Promise<void> {
    const dir = join(this.dataDir, 'buckets', b.record.name);
    await this.writeAtomic(join(dir, 'bucket.json'), dir, JSON.stringify(b.record));
  }

  /** Deletes an (empty) bucket: the folder is renamed away first, so the deletion is atomic. */
  async deleteBucket(name: string): Promise<void> {
    const dir = join(this.dataDir, 'buckets', name);
    const trash = this.tempPath();
    await rename(dir, trash);
    await fsyncDir(join(this.dataDir, 'buckets'));
    this.buckets.delete(name);
    await rm(trash, { recursive: true, force: true });
  }

  /** Replaces a key's version list durably (an empty list removes the key). */
  async saveKey(b: BucketState, key: string, versions: VersionRecord[]): Promise<void> {
    const dir = join(this.dataDir, 'buckets', b.record.name, 'keys');
    const path = join(dir, keyFile(key));
    if (versions.length === 0) {
      await unlink(path).catch(() => undefined);
      await fsyncDir(dir);
      if (b.objects.delete(key)) b.sorted = undefined;
      return;
    }
    await this.writeAtomic(path, dir, JSON.stringify({ key, versions }));
    if (!b.objects.has(key)) b.sorted = undefined;
    b.objects.set(key, versions);
  }

  /** Folder of a multipart upload. */
  uploadDir(id: string): string {
    return join(this.dataDir, 'uploads', id);
  }

  /** Persists a multipart upload's record. */
  async saveUpload(u: UploadRecord): Promise<void> {
    const dir = this.uploadDir(u.uploadId);
    await mkdir(dir, { recursive: true });
    await this.writeAtomic(join(dir, 'upload.json'), dir, JSON.stringify(u));
    this.uploads.set(u.uploadId, u);
  }

  /** Removes a multipart upload and its parts. */
  async removeUpload(id: string): Promise<void> {
    this.uploads.delete(id);
    const trash = this.tempPath();
    await rename(this.uploadDir(id), trash).catch(() => undefined);
    await rm(trash, { recursive: true, force: true });
  }

  /** A bucket's keys sorted by their UTF-8 bytes (S3's listing order). */
  sortedKeys(b: BucketState): string[] {
    if (!b.sorted) {
      b.sorted = [...b.objects.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    }
    return b.sorted;
  }
}
