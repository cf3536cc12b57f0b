/**
 * @module Kernel-side filters of a raw ICMP socket, so foreign traffic never reaches user space:
 * the ICMP type filter (`ICMP_FILTER` / `ICMP6_FILTER`: echo replies only, unless told otherwise)
 * and the classic BPF program of echo_filter.ts (only replies to this channel's identifier block).
 */
import { C, type Libc } from "./libc.ts";
import { echoFilterProgram, programBytes } from "./echo_filter.ts";
import { setPointer } from "./recv_batch.ts";

const int = (v: number) => new Uint8Array(new Int32Array([v]).buffer);

/** Lets only the ICMP types `pass` through to raw socket `fd`; false when the kernel refused. */
export function setTypeFilter(
  libc: Libc,
  fd: number,
  family: 4 | 6,
  pass: readonly number[],
): boolean {
  const f = libc.symbols;
  // A set bit blocks its type.
  if (family === 4) {
    const v = int(~pass.reduce((m, t) => m | (1 << t), 0));
    return f.setsockopt(fd, C.SOL_RAW, C.ICMP_FILTER, v, v.byteLength) === 0;
  }
  const filter = new Uint32Array(8).fill(0xffffffff);
  for (const t of pass) filter[t >> 5] = filter[t >> 5]! & ~(1 << (t & 31));
  const v = new Uint8Array(filter.buffer);
  return f.setsockopt(fd, C.IPPROTO_ICMPV6, C.ICMP6_FILTER, v, v.byteLength) === 0;
}

/**
 * Attaches the identifier filter (echo replies with identifier `base..base+15`, and ICMP errors)
 * to raw socket `fd`; false when the kernel refused.
 */
export function attachIdentifierFilter(
  libc: Libc,
  fd: number,
  family: 4 | 6,
  base: number,
): boolean {
  const program = programBytes(echoFilterProgram(family, base));
  const fprog = new Uint8Array(16);
  const fprogView = new DataView(fprog.buffer);
  fprogView.setUint16(0, program.byteLength / 8, true);
  setPointer(fprogView, 8, Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(program))));
  return libc.symbols.setsockopt(fd, C.SOL_SOCKET, C.SO_ATTACH_FILTER, fprog, 16) === 0;
}
