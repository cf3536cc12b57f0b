/**
 * @module A scripted DNS server on loopback for tests: UDP and TCP on one port, answers per
 * "name TYPE", and the hostile cases — NXDOMAIN, SERVFAIL, truncated UDP answers, silence, and a
 * forged reply (wrong id, or from another port) sent before the real one.
 */
import * as packet from "dns-packet";
import { Buffer } from "node:buffer";

/** How the server answers one "name TYPE". */
export interface Zone {
  answers?: packet.Answer[];
  authorities?: packet.Answer[];
  additionals?: packet.Answer[];
  rcode?: "NOERROR" | "NXDOMAIN" | "SERVFAIL" | "REFUSED";
  /** Over UDP: an empty answer with the TC bit (the full one over TCP). */
  truncate?: boolean;
  /** No answer at all. */
  silent?: boolean;
  /** Before the real answer: a reply with a wrong id, or the right one from another port. */
  forge?: "wrong_id" | "wrong_source" | "garbage" | "wrong_question";
  /** Delay before answering, ms. */
  delayMs?: number;
}

/** A running server; dispose to stop it. */
export interface DnsResponder extends AsyncDisposable {
  port: number;
  /** Queries received, as "udp|tcp name TYPE". */
  log: string[];
  /** The source port of each UDP query, in order. */
  sourcePorts: number[];
  /** Queries for "name TYPE" over any transport. */
  count(key: string): number;
  /** The last query's decoded packet. */
  lastQuery?: packet.DecodedPacket;
  zones: Record<string, Zone>;
}

const RCODES = { NOERROR: 0, NXDOMAIN: 3, SERVFAIL: 2, REFUSED: 5 } as const;

function reply(q: packet.DecodedPacket, zone: Zone | undefined, tcp: boolean): Uint8Array {
  const z = zone ?? { rcode: "NXDOMAIN" };
  const truncated = !tcp && z.truncate;
  const rcode = RCODES[z.rcode ?? "NOERROR"];
  const buf = packet.encode({
    type: "response",
    id: q.id,
    flags: (q.flags ?? 0) & packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE |
      (truncated ? packet.TRUNCATED_RESPONSE : 0) | rcode,
    questions: q.questions,
    answers: truncated ? [] : z.answers ?? [],
    authorities: truncated ? [] : z.authorities ?? [],
    additionals: truncated ? [] : z.additionals ?? [],
  });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** Starts the server on 127.0.0.1 (a free port for both UDP and TCP). */
export function startDnsResponder(zones: Record<string, Zone> = {}): DnsResponder {
  let udp: Deno.DatagramConn | undefined;
  let tcp: Deno.TcpListener | undefined;
  for (let i = 0; i < 20 && !tcp; i++) {
    udp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    try {
      tcp = Deno.listen({ hostname: "127.0.0.1", port: (udp.addr as Deno.NetAddr).port });
    } catch {
      udp.close();
    }
  }
  const forger = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const held = new Set<Deno.Conn>();
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => (timers.delete(t), f()), ms);
    timers.add(t);
  };
  const self: DnsResponder = {
    port: (udp!.addr as Deno.NetAddr).port,
    log: [],
    sourcePorts: [],
    zones,
    count: (key) => self.log.filter((l) => l.endsWith(` ${key}`)).length,
    async [Symbol.asyncDispose]() {
      for (const t of timers) clearTimeout(t);
      udp!.close();
      tcp!.close();
      forger.close();
      for (const c of held) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await Promise.allSettled([udpLoop, tcpLoop]);
    },
  };
  const note = (q: packet.DecodedPacket, via: string) => {
    const qq = q.questions?.[0];
    self.lastQuery = q;
    const key = `${qq?.name} ${qq?.type}`;
    self.log.push(`${via} ${key}`);
    return self.zones[key];
  };
  const udpLoop = (async () => {
    for (;;) {
      let data: Uint8Array, addr: Deno.Addr;
      try {
        [data, addr] = await udp!.receive();
      } catch {
        return;
      }
      const q = packet.decode(Buffer.from(data));
      self.sourcePorts.push((addr as Deno.NetAddr).port);
      const zone = note(q, "udp");
      if (zone?.silent) continue;
      const answer = reply(q, zone, false);
      const send = () => udp!.send(answer, addr).catch(() => {});
      if (zone?.forge === "wrong_id") {
        const forged = reply({ ...q, id: (q.id! + 1) & 0xffff }, zone, false);
        await udp!.send(forged, addr);
      } else if (zone?.forge === "wrong_source") {
        await forger.send(answer, addr);
      } else if (zone?.forge === "garbage") {
        // The right id, then bytes that are no DNS message.
        await udp!.send(
          new Uint8Array([answer[0]!, answer[1]!, 0x81, 0x80, 0, 1, 0xff, 0xff]),
          addr,
        );
      } else if (zone?.forge === "wrong_question") {
        const other = {
          ...q,
          questions: [{ name: "evil.test", type: "A" as const, class: "IN" as const }],
        };
        await udp!.send(reply(other, { answers: [a("evil.test", "6.6.6.6")] }, false), addr);
      }
      if (zone?.forge || zone?.delayMs) later(zone.delayMs ?? 50, send);
      else send();
    }
  })();
  const tcpLoop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await tcp!.accept();
      } catch {
        return;
      }
      (async () => {
        try {
          const head = new Uint8Array(2);
          let got = 0;
          while (got < 2) got += (await conn.read(head.subarray(got))) ?? Infinity;
          const body = new Uint8Array((head[0]! << 8) | head[1]!);
          got = 0;
          while (got < body.length) got += (await conn.read(body.subarray(got))) ?? Infinity;
          const q = packet.decode(Buffer.from(body));
          const zone = note(q, "tcp");
          if (zone?.silent) {
            held.add(conn); // kept open, never answered, closed on dispose
            return;
          }
          const answer = reply(q, zone, true);
          const framed = new Uint8Array(2 + answer.length);
          framed[0] = answer.length >> 8;
          framed[1] = answer.length & 0xff;
          framed.set(answer, 2);
          await conn.write(framed);
        } catch {
          /* the client went away */
        } finally {
          if (!held.has(conn)) {
            try {
              conn.close();
            } catch { /* closed */ }
          }
        }
      })();
    }
  })();
  return self;
}

/** An A record. */
export const a = (name: string, data: string, ttl = 60): packet.Answer => ({
  type: "A",
  name,
  ttl,
  data,
});
/** An SOA record with `minimum` as the negative TTL. */
export const soa = (name: string, minimum: number, serial = 2026120101): packet.Answer => ({
  type: "SOA",
  name,
  ttl: 3600,
  data: {
    mname: `ns1.${name}`,
    rname: `hostmaster.${name}`,
    serial,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum,
  },
});
