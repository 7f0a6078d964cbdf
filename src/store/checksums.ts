/**
 * Checksum algorithms S3 supports for flexible checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

// node:zlib is loaded on the first CRC32 only (it is not needed by the CLI's usual reads).
const lazyRequire = createRequire(import.meta.url);

/** The checksum algorithms, as S3 names them. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** All supported algorithms. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

/** The header carrying a checksum, e.g. `x-amz-checksum-crc32`. */
export function checksumHeader(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** Parses an algorithm name (case-insensitive); undefined when unknown. */
export function parseChecksumAlgorithm(s: string): ChecksumAlgorithm | undefined {
  const u = s.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(u) ? (u as ChecksumAlgorithm) : undefined;
}

/** An incremental checksum. */
export interface Hasher {
  update(data: Buffer): void;
  /** The raw digest bytes. */
  digest(): Buffer;
}

// Slicing-by-8 tables: entry [k * 256 + i] is the CRC of byte i followed by k zero bytes.
const CRC32C_T = (() => {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = ((prev >>> 8) ^ t[prev & 0xff]!) >>> 0;
    }
  }
  return t;
})();

// CRC-64/NVME: reflected polynomial 0x9a6c9329ac4bc9b5, in 32-bit halves (no BigInt in the hot loop).
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
(() => {
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    CRC64_HI[i] = hi;
    CRC64_LO[i] = lo;
  }
})();

class Crc32Hasher implements Hasher {
  private crc = 0;
  update(data: Buffer): void {
    this.crc = (lazyRequire('node:zlib') as typeof import('node:zlib')).crc32(data, this.crc);
  }
  digest(): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.crc >>> 0);
    return b;
  }
}

class Crc32cHasher implements Hasher {
  private crc = 0xffffffff;
  update(data: Buffer): void {
    const t = CRC32C_T;
    let c = this.crc;
    let i = 0;
    const n8 = data.length - (data.length % 8);
    for (; i < n8; i += 8) {
      c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
      c =
        t[7 * 256 + (c & 0xff)]! ^
        t[6 * 256 + ((c >>> 8) & 0xff)]! ^
        t[5 * 256 + ((c >>> 16) & 0xff)]! ^
        t[4 * 256 + (c >>> 24)]! ^
        t[3 * 256 + data[i + 4]!]! ^
        t[2 * 256 + data[i + 5]!]! ^
        t[256 + data[i + 6]!]! ^
        t[data[i + 7]!]!;
    }
    for (; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c >>> 0;
  }
  digest(): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return b;
  }
}

class Crc64NvmeHasher implements Hasher {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(data: Buffer): void {
    const H = CRC64_HI;
    const L = CRC64_LO;
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ L[idx]!) >>> 0;
      hi = (nhi ^ H[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    b.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return b;
  }
}

class NodeHasher implements Hasher {
  private readonly h;
  constructor(alg: string) {
    this.h = createHash(alg);
  }
  update(data: Buffer): void {
    this.h.update(data);
  }
  digest(): Buffer {
    return this.h.digest();
  }
}

/** Creates an incremental hasher for one algorithm (or `md5`). */
export function createHasher(alg: ChecksumAlgorithm | 'MD5'): Hasher {
  switch (alg) {
    case 'CRC32':
      return new Crc32Hasher();
    case 'CRC32C':
      return new Crc32cHasher();
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
      return new NodeHasher('sha1');
    case 'SHA256':
      return new NodeHasher('sha256');
    case 'MD5':
      return new NodeHasher('md5');
  }
}

/** One-shot checksum of a buffer, base64 encoded (the form S3 headers use). */
export function checksumBase64(alg: ChecksumAlgorithm, data: Buffer): string {
  const h = createHasher(alg);
  h.update(data);
  return h.digest().toString('base64');
}

/** The byte length of each algorithm's digest. */
export function digestLength(alg: ChecksumAlgorithm): number {
  return { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }[alg];
}
