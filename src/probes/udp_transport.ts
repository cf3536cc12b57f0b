/**
 * @module The seam under the UDP socket pool: one UDP socket that sends datagrams and hands
 * back what arrives, and (where the socket can have an error queue) the ICMP errors about what
 * it sent. Two kinds: our own FFI socket with `IP_RECVERR` (see socket/udp_socket.ts) and
 * Deno's `Deno.listenDatagram` socket (no error queue: a closed port is a timeout there).
 */
import type { SocketError } from "./socket/icmp_error.ts";

/** Where a transport delivers what it reads. */
export interface UdpSink {
  /** A datagram from hostname:port; `ageMs` = how long ago the kernel received it (0 unknown). */
  datagram(data: Uint8Array, hostname: string, port: number, ageMs: number): void;
  /** A queued error about a datagram this socket sent (destination and port inside). */
  error(e: SocketError): void;
  /**
   * `active` while some exchange waits (a polled transport polls often then), `held` while an
   * ended exchange's endpoint is held for late replies (polled slowly, to count them), else idle.
   */
  busy(): "active" | "held" | "idle";
}

/** One UDP socket. */
export interface UdpTransport {
  /** Sends one datagram; rejects when the send fails. */
  send(payload: Uint8Array, ip: string, port: number): Promise<void>;
  /** Delivers to `sink` until closed, then resolves. Called once. */
  run(sink: UdpSink): Promise<void>;
  close(): void;
}

/** A failed send, with the Linux errno. */
export class SendError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = "SendError";
  }
}

/** Wraps a `Deno.DatagramConn` (no error queue: `error` is never called). */
export function denoTransport(conn: Deno.DatagramConn): UdpTransport {
  return {
    async send(payload, ip, port) {
      await conn.send(payload, { transport: "udp", hostname: ip, port });
    },
    async run(sink) {
      while (true) {
        let data: Uint8Array;
        let addr: Deno.Addr;
        try {
          [data, addr] = await conn.receive();
        } catch {
          return; // closed
        }
        if (addr.transport === "udp") sink.datagram(data, addr.hostname, addr.port, 0);
      }
    },
    close: () => conn.close(),
  };
}
