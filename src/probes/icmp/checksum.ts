/** @module The Internet checksum (RFC 1071) over a byte range. */

/**
 * One's-complement sum of 16-bit big-endian words, complemented. A packet whose checksum field
 * is filled in sums to 0 when checked again.
 *
 * @example
 * ```ts
 * import { internetChecksum } from "./checksum.ts";
 * const echo = new Uint8Array([8, 0, 0, 0, 0x12, 0x34, 0, 1]);
 * const sum = internetChecksum(echo);
 * echo[2] = sum >> 8;
 * echo[3] = sum & 0xff;
 * if (internetChecksum(echo) !== 0) throw new Error("checksum does not verify");
 * ```
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
