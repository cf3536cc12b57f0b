/**
 * @module Which echo request a queued ICMP error is about: the error carries the start of the
 * request as we sent it (type, code, checksum, identifier, sequence), so its key is the one the
 * request went out with. Pure.
 */
import { ECHO } from "./echo_packet.ts";
import type { SocketError } from "../socket/icmp_error.ts";

/**
 * The pending-request key of the echo request `e` is about (`identifier << 16 | sequence` when
 * `keyed`, the sequence alone on datagram sockets, whose identifier the kernel owns), or
 * undefined when it is about something else.
 *
 * @example
 * ```ts
 * import { matchEchoError } from "./echo_error.ts";
 * const original = new Uint8Array([8, 0, 0, 0, 0x12, 0x34, 0, 7]);
 * const e = { errno: 113, origin: "icmp", type: 3, code: 1, info: 0, port: 0, original } as const;
 * console.assert(matchEchoError(e, 4, true) === 0x1234 * 65536 + 7);
 * console.assert(matchEchoError(e, 4, false) === 7);
 * ```
 */
export function matchEchoError(e: SocketError, family: 4 | 6, keyed: boolean): number | undefined {
  const b = e.original;
  if (b.length < 8 || b[0] !== ECHO[family].request) return undefined;
  const identifier = (b[4]! << 8) | b[5]!;
  const sequence = (b[6]! << 8) | b[7]!;
  return keyed ? identifier * 65536 + sequence : sequence;
}
