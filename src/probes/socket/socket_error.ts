/**
 * @module Decodes one message read with `recvmsg(MSG_ERRQUEUE)`: the `IP_RECVERR` /
 * `IPV6_RECVERR` control message (`struct sock_extended_err` and the offender's address right
 * after it), the message's name (where the packet in error was going) and its data (the packet
 * in error from its transport header on). Pure; the layout is Linux's on LP64.
 */
import { decodeSockaddr } from "../icmp/sockaddr.ts";
import type { ErrorOrigin, SocketError } from "./icmp_error.ts";

const ORIGINS: Record<number, ErrorOrigin> = { 1: "local", 2: "icmp", 3: "icmp6" };
/** `sizeof(struct sock_extended_err)`. */
const EE_BYTES = 16;

/**
 * Finds the extended error in `control` (cmsg level/type IP/IP_RECVERR = 0/11 or
 * IPV6/IPV6_RECVERR = 41/25) and combines it with `name` and `data`; undefined when there is none.
 */
export function decodeSocketError(
  control: Uint8Array,
  name: Uint8Array,
  nameLength: number,
  data: Uint8Array,
): SocketError | undefined {
  const view = new DataView(control.buffer, control.byteOffset, control.byteLength);
  let found: SocketError | undefined;
  let stampNs: number | undefined;
  for (let c = 0; c + 16 <= control.length;) {
    const cmsgLen = Number(view.getBigUint64(c, true));
    if (cmsgLen < 16 || c + cmsgLen > control.length) break;
    const level = view.getInt32(c + 8, true);
    const type = view.getInt32(c + 12, true);
    if (level === 1 && type === 35 && cmsgLen >= 32) {
      // SCM_TIMESTAMPNS, when the socket has SO_TIMESTAMPNS: when the ICMP error arrived.
      stampNs = Number(view.getBigInt64(c + 16, true)) * 1e9 +
        Number(view.getBigInt64(c + 24, true));
    } else if (
      !found && ((level === 0 && type === 11) || (level === 41 && type === 25)) &&
      cmsgLen >= 16 + EE_BYTES
    ) {
      const d = c + 16;
      const offenderBytes = control.subarray(d + EE_BYTES, c + cmsgLen);
      const nameView = new DataView(name.buffer, name.byteOffset, name.byteLength);
      found = {
        errno: view.getUint32(d, true),
        origin: ORIGINS[control[d + 4]!] ?? "other",
        type: control[d + 5]!,
        code: control[d + 6]!,
        info: view.getUint32(d + 8, true),
        offender: offenderBytes.length >= 8
          ? decodeSockaddr(offenderBytes, offenderBytes.length)
          : undefined,
        destination: nameLength >= 8 ? decodeSockaddr(name, nameLength) : undefined,
        port: nameLength >= 4 ? nameView.getUint16(2, false) : 0,
        original: data,
      };
    }
    c += (cmsgLen + 7) & ~7;
  }
  if (found && stampNs !== undefined) found.stampNs = stampNs;
  return found;
}
