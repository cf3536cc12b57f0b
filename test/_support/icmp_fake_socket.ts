/** @module A scripted in-memory ICMP socket: what it "receives" is decided per sent packet. */
import type { IcmpSocket, ReceivedPacket, SocketKind } from "../../src/probes/icmp/ffi_socket.ts";

/** One sent packet, as the fake saw it. */
export interface SentPacket {
  ip: string;
  packet: Uint8Array;
  sentNs: number;
  /** The TTL / hop limit asked for, when one was. */
  ttl?: number;
}

/** A fake ICMP socket; `respond` returns what arrives after each send. */
export function fakeIcmpSocket(
  family: 4 | 6,
  kind: SocketKind,
  respond: (sent: SentPacket) => ReceivedPacket[],
): IcmpSocket & { sent: SentPacket[]; inbox: ReceivedPacket[]; closed: boolean } {
  let now = 1_000_000;
  const socket = {
    family,
    kind,
    sent: [] as SentPacket[],
    inbox: [] as ReceivedPacket[],
    closed: false,
    realtimeNs: () => now,
    send(ip: string, packet: Uint8Array, ttl?: number) {
      const sent = { ip, packet: packet.slice(), sentNs: now += 1000, ttl };
      socket.sent.push(sent);
      socket.inbox.push(...respond(sent));
      return { sentNs: sent.sentNs };
    },
    receive(max = 64) {
      return socket.inbox.splice(0, max);
    },
    ensureCapacity() {},
    close() {
      socket.closed = true;
    },
    [Symbol.dispose]() {
      socket.close();
    },
  };
  return socket;
}
