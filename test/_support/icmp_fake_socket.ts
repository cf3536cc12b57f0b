/** @module A scripted in-memory ICMP socket: what it "receives" is decided per sent packet. */
import type {
  IcmpSocket,
  PacketView,
  ReceivedPacket,
  SocketKind,
} from "../../src/probes/icmp/ffi_socket.ts";
import { encodeSockaddr } from "../../src/probes/icmp/sockaddr.ts";

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
    send(ip: string, packet: Uint8Array, ttl?: number): { sentNs: number } | { errno: number } {
      const sent = { ip, packet: packet.slice(), sentNs: now += 1000, ttl };
      socket.sent.push(sent);
      socket.inbox.push(...respond(sent));
      return { sentNs: sent.sentNs };
    },
    receive(max = 64) {
      return socket.inbox.splice(0, max);
    },
    receiveEach(visit: (p: PacketView) => void, max = 64) {
      const packets = socket.inbox.splice(0, max);
      for (const p of packets) {
        const name = p.source === undefined ? new Uint8Array(28) : encodeSockaddr(
          p.source,
          p.source.includes(":") ? 6 : 4,
        );
        const nameFamily = p.source === undefined ? 0 : p.source.includes(":") ? 6 : 4;
        visit({
          data: p.bytes,
          offset: 0,
          length: p.bytes.length,
          name,
          nameOffset: nameFamily === 6 ? 8 : 4,
          nameFamily,
          receivedNs: p.receivedNs,
          hopLimit: p.hopLimit ?? -1,
          truncated: p.truncated,
        });
      }
      return packets.length;
    },
    filterIdentifiers: () => false,
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
