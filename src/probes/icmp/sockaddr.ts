/**
 * @module `struct sockaddr_in` / `sockaddr_in6` bytes for IP literals, and back. Pure. Addresses
 * decode to one canonical text per address (IPv6 as eight full groups) so a reply's source and
 * a target compare as strings.
 */

/** Bytes of `sockaddr_in6`, the larger of the two. */
export const SOCKADDR_MAX = 28;

/** Parses an IPv4 or IPv6 literal into 4 or 16 bytes; throws `SyntaxError` otherwise. */
export function ipBytes(ip: string, family: 4 | 6): Uint8Array {
  const fail = (): never => {
    throw new SyntaxError(`Cannot parse IPv${family} address "${ip}"`);
  };
  if (family === 4) {
    const parts = ip.split(".");
    if (parts.length !== 4) fail();
    return Uint8Array.from(parts, (p) => {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255) fail();
      return Number(p);
    });
  }
  const out = new Uint8Array(16);
  const halves = ip.split("::");
  if (halves.length > 2) fail();
  const groups = (text: string): number[] => {
    if (text === "") return [];
    const words: number[] = [];
    for (const g of text.split(":")) {
      if (g.includes(".")) {
        const v4 = ipBytes(g, 4);
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) fail();
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) fail();
  const words = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Canonical text of 4 or 16 address bytes. */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return words.join(":");
}

/** Canonical text of an IP literal (what {@linkcode decodeSockaddr} returns for it). */
export function canonicalIp(ip: string, family: 4 | 6): string {
  return ipText(ipBytes(ip, family));
}

/** Bytes of the socket address of a family: 16 (`sockaddr_in`) or 28 (`sockaddr_in6`). */
export function sockaddrLength(family: 4 | 6): number {
  return family === 4 ? 16 : SOCKADDR_MAX;
}

/** Writes a socket address with port 0 into `out[at..]` (zeroed: only family and address set). */
export function writeSockaddr(ip: string, family: 4 | 6, out: Uint8Array, at = 0): void {
  const addr = ipBytes(ip, family);
  out[at] = family === 4 ? 2 : 10; // AF_INET / AF_INET6, little-endian u16
  out.set(addr, at + (family === 4 ? 4 : 8));
}

/** Encodes a socket address with port 0 (ICMP has no ports). */
export function encodeSockaddr(ip: string, family: 4 | 6): Uint8Array {
  const sa = new Uint8Array(sockaddrLength(family));
  writeSockaddr(ip, family, sa);
  return sa;
}

/** Decodes a socket address the kernel wrote; undefined for another family or short bytes. */
export function decodeSockaddr(bytes: Uint8Array, length: number): string | undefined {
  const family = bytes[0]! | (bytes[1]! << 8);
  if (family === 2 && length >= 8) return ipText(bytes.subarray(4, 8));
  if (family === 10 && length >= 24) return ipText(bytes.subarray(8, 24));
  return undefined;
}
