/** @module The byte stream the TCP probe talks through: a plain connection or a TLS one. */

/** Write, read and close: all the TCP probe needs of a connection. */
export interface ByteStream {
  write(bytes: Uint8Array): Promise<void>;
  /** Reads into `buf`; null at end of stream. */
  read(buf: Uint8Array): Promise<number | null>;
  close(): void;
}

/** Wraps a Deno connection. */
export function connStream(conn: Deno.Conn): ByteStream {
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    },
    read: (buf) => conn.read(buf),
    close() {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}
