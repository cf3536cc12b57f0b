/**
 * @module Kernel filters for a raw ICMP socket, which otherwise receives every ICMP packet of
 * the host: a classic BPF program (`SO_ATTACH_FILTER`) that passes echo replies whose identifier
 * lies in this socket's block, and the ICMP errors that may quote one of our requests
 * (destination unreachable, time exceeded; ICMPv6 also packet too big: for a socket whose
 * ICMP_FILTER lets them in at all), and drops everything else before it is queued. Another pinger's flood then costs the kernel a filter run per packet
 * and us nothing. Pure: builds the program bytes; the socket attaches them.
 */

/** ICMP types a raw socket of each family lets through. */
export const PASSED_TYPES = {
  /** Echo reply; destination unreachable; time exceeded. */
  4: { reply: 0, errors: [3, 11] },
  /** Echo reply; destination unreachable, packet too big, time exceeded. */
  6: { reply: 129, errors: [1, 2, 3] },
} as const;

/** Identifiers of one socket: `(id & ID_MASK) === base`, 16 identifiers × 65,536 sequences. */
export const ID_MASK = 0xfff0;

/** One classic BPF instruction (`struct sock_filter`). */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const LD_B_ABS = 0x30;
const LD_H_ABS = 0x28;
const LD_B_IND = 0x50;
const LD_H_IND = 0x48;
const LDX_B_MSH = 0xb1;
const AND_K = 0x54;
const JEQ_K = 0x15;
const RET_K = 0x06;
/** Pass the whole packet. */
const ACCEPT = 0x7fffffff;

const op = (code: number, k: number, jt = 0, jf = 0): BpfInstruction => ({ code, jt, jf, k });

/**
 * The program for a raw socket of `family` whose echo identifiers are `base..base+15`
 * (`base & ID_MASK === base`). IPv4 raw sockets see the IP header first (its length from the
 * IHL nibble); IPv6 ones start at the ICMPv6 header.
 */
export function echoFilterProgram(family: 4 | 6, base: number): BpfInstruction[] {
  if ((base & ID_MASK) !== base) throw new RangeError(`identifier base ${base} not aligned`);
  const { reply, errors } = PASSED_TYPES[family];
  const v4 = family === 4;
  const head: BpfInstruction[] = v4
    ? [op(LDX_B_MSH, 0), op(LD_B_IND, 0)] // X = IP header length; A = ICMP type
    : [op(LD_B_ABS, 0)];
  // After `head`: jeq reply → [ld id, and, jeq base → accept | drop]; then the error types.
  const n = errors.length;
  const body: BpfInstruction[] = [
    op(JEQ_K, reply, 0, 3),
    op(v4 ? LD_H_IND : LD_H_ABS, 4),
    op(AND_K, ID_MASK),
    op(JEQ_K, base, n, n + 1),
    ...errors.map((t, i) => op(JEQ_K, t, n - 1 - i, i === n - 1 ? 1 : 0)),
    op(RET_K, ACCEPT),
    op(RET_K, 0),
  ];
  return [...head, ...body];
}

/** `struct sock_filter[]` bytes of a program (8 bytes an instruction, host byte order). */
export function programBytes(program: readonly BpfInstruction[]): Uint8Array {
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach((ins, i) => {
    view.setUint16(i * 8, ins.code, true);
    view.setUint8(i * 8 + 2, ins.jt);
    view.setUint8(i * 8 + 3, ins.jf);
    view.setUint32(i * 8 + 4, ins.k, true);
  });
  return bytes;
}
