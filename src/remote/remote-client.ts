/** State bytes as stored, with their MD5. */
export interface RemotePayload {
  /** The exact stored bytes. */
  data: Uint8Array;
  /** Lowercase hex MD5 of `data`. */
  md5: string;
}

/**
 * The byte-level seam of a remote state (OpenTofu's `remote.Client`): no parsing, no locking.
 */
export interface RemoteClient {
  /** The stored bytes, or `undefined` when there is no state (missing or empty object). */
  get(): Promise<RemotePayload | undefined>;
  /** Replaces the stored bytes. */
  put(data: Uint8Array): Promise<void>;
  /** Removes the stored state. */
  delete(): Promise<void>;
}
