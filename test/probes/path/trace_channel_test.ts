import assert from "node:assert/strict";
import {
  createTraceChannel,
  type TraceIgnoreReason,
} from "../../../src/probes/path/trace_channel.ts";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { ipBytes } from "../../../src/probes/icmp/sockaddr.ts";
import type { ReceivedPacket } from "../../../src/probes/icmp/ffi_socket.ts";
import { fakeIcmpSocket, type SentPacket } from "../../_support/icmp_fake_socket.ts";
import type { TraceOptions } from "../../../src/probes/path/types.ts";

const TARGET = "198.19.9.1";
const ROUTERS = ["198.19.1.2", "198.19.1.6"];
const OPTS: TraceOptions = {
  protocol: "icmp",
  maxHops: 8,
  count: 3,
  intervalMs: 1,
  size: 56,
  port: 33434,
  timeoutMs: 300,
};

/** An IPv4 header (20 bytes) from `src` to `dst` carrying `protocol`, then `body`. */
function ip4(src: string, dst: string, protocol: number, body: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + body.length);
  p.set([0x45, 0, (p.length >> 8) & 0xff, p.length & 0xff, 0, 0, 0, 0, 64, protocol]);
  p.set(ipBytes(src, 4), 12);
  p.set(ipBytes(dst, 4), 16);
  p.set(body, 20);
  return p;
}

/** An ICMP message of `type` whose body is `rest` (checksummed). */
function icmp(type: number, code: number, rest: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + rest.length);
  m[0] = type;
  m[1] = code;
  m.set(rest, 8);
  const sum = internetChecksum(m);
  m[2] = sum >> 8;
  m[3] = sum & 0xff;
  return m;
}

/** Time exceeded from `router`, quoting `sent` (our echo to `quotedDst`), as a raw socket reads it. */
function timeExceeded(router: string, sent: Uint8Array, quotedDst = TARGET): ReceivedPacket {
  const quote = ip4("198.19.0.1", quotedDst, 1, sent);
  return packet(router, ip4(router, "198.19.0.1", 1, icmp(11, 0, quote)));
}

/** The echo reply to `sent` from `from`. */
function echoReply(from: string, sent: Uint8Array): ReceivedPacket {
  const reply = sent.slice();
  reply[0] = 0;
  reply[2] = reply[3] = 0;
  const sum = internetChecksum(reply);
  reply[2] = sum >> 8;
  reply[3] = sum & 0xff;
  return packet(from, ip4(from, "198.19.0.1", 1, reply));
}

const packet = (source: string, bytes: Uint8Array): ReceivedPacket => ({
  bytes,
  source,
  receivedNs: 2_000_000_000,
  truncated: false,
});

/** A 3-hop network: TTL 1 and 2 expire at the routers, TTL ≥ 3 reaches the target. */
const network = (s: SentPacket): ReceivedPacket[] =>
  s.ttl! <= ROUTERS.length
    ? [timeExceeded(ROUTERS[s.ttl! - 1]!, s.packet)]
    : [echoReply(TARGET, s.packet)];

function setup(respond: (s: SentPacket) => ReceivedPacket[]) {
  const ignored: TraceIgnoreReason[] = [];
  const socket = fakeIcmpSocket(4, "raw", respond);
  const channel = createTraceChannel(socket, {
    pollMs: 1,
    onIgnored: (r) => ignored.push(r),
  });
  return { socket, channel, ignored };
}

Deno.test("createTraceChannel() finds the hops in order and stops at the destination's TTL", async () => {
  const { socket, channel, ignored } = setup(network);
  const r = await channel.trace(TARGET, OPTS);
  channel.close();
  assert.equal(r.destinationTtl, 3);
  assert.deepEqual(r.hops.map((h) => [...h.addresses.keys()]), [[ROUTERS[0]], [ROUTERS[1]], [
    TARGET,
  ]]);
  assert.deepEqual(r.hops.map((h) => [h.sent, h.rttsSeconds.length]), [[3, 3], [3, 3], [3, 3]]);
  // Round 1 goes to every TTL at once; rounds 2 and 3 only up to the destination's.
  assert.deepEqual(socket.sent.map((s) => s.ttl), [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 1, 2, 3]);
  assert.deepEqual(ignored, []);
  assert.equal(channel.inFlight(), 0);
});

Deno.test("createTraceChannel() ignores time-exceeded messages quoting another identifier, destination or cookie", async () => {
  const { channel, ignored } = setup((s) => {
    const other = s.packet.slice();
    other[4] = other[4]! ^ 0xff; // another identifier: someone else's traceroute
    const cookieless = s.packet.slice();
    cookieless[8] = cookieless[8]! ^ 0xff; // our identifier and sequence, not our payload
    const crossed = timeExceeded(ROUTERS[0]!, s.packet, "198.19.200.200"); // our ids, other target
    return [
      timeExceeded(ROUTERS[0]!, other),
      crossed,
      timeExceeded(ROUTERS[0]!, cookieless),
      echoReply("198.19.77.7", s.packet), // our ids from a host we did not probe
      ...network(s),
      ...network(s), // the same answer twice
    ];
  });
  const r = await channel.trace(TARGET, { ...OPTS, count: 1 });
  channel.close();
  assert.deepEqual(r.hops.map((h) => [...h.addresses.keys()]), [[ROUTERS[0]], [ROUTERS[1]], [
    TARGET,
  ]]);
  assert.deepEqual(r.hops.map((h) => h.rttsSeconds.length), [1, 1, 1]);
  const counts = Object.fromEntries(
    ["foreign", "mismatch", "duplicate"].map((k) => [k, ignored.filter((x) => x === k).length]),
  );
  // 8 probes sent (TTL 1-8): per probe one foreign, three mismatches and one duplicate.
  assert.deepEqual(counts, { foreign: 8, mismatch: 24, duplicate: 8 });
});

Deno.test("createTraceChannel() never hands one run's answers to another run in flight", async () => {
  const held: ReceivedPacket[] = [];
  const { socket, channel } = setup((s) => {
    // Run A's answers are held back and delivered while run B is waiting: B must not take them.
    if (s.ip === TARGET) return network(s);
    held.push(
      s.ttl! <= ROUTERS.length
        ? timeExceeded(ROUTERS[s.ttl! - 1]!, s.packet, s.ip)
        : echoReply(s.ip, s.packet),
    );
    return [];
  });
  const other = "198.19.9.2";
  const a = channel.trace(other, { ...OPTS, count: 1, timeoutMs: 100 });
  socket.inbox.push(...held.splice(0));
  const b = await channel.trace(TARGET, { ...OPTS, count: 1 });
  const ra = await a;
  channel.close();
  // Each run has its own answers, once: none of A's went to B, nor the other way.
  assert.deepEqual(b.hops.map((h) => h.rttsSeconds.length), [1, 1, 1]);
  assert.deepEqual(ra.hops.map((h) => h.rttsSeconds.length), [1, 1, 1]);
  assert.deepEqual([...ra.hops[2]!.addresses.keys()], [other]);
  assert.deepEqual([...b.hops[2]!.addresses.keys()], [TARGET]);
});

Deno.test("createTraceChannel() reports loss per hop and waits no longer than the timeout", async () => {
  let n = 0;
  const { channel } = setup((s) => (n++ % 2 === 0 ? network(s) : []));
  const t0 = performance.now();
  const r = await channel.trace(TARGET, { ...OPTS, count: 4, timeoutMs: 200 });
  const took = performance.now() - t0;
  channel.close();
  assert.equal(r.destinationTtl, 3);
  for (const h of r.hops) assert.ok(h.rttsSeconds.length < h.sent, `hop ${h.ttl}`);
  assert.ok(took >= 190 && took < 1000, `${took} ms`);
});

/** A UDP datagram from `sport` to `dport` carrying `payload` (checksum left 0). */
function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const d = new Uint8Array(8 + payload.length);
  d.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, d.length >> 8, d.length & 0xff]);
  d.set(payload, 8);
  return d;
}

Deno.test("createTraceChannel() protocol udp: matches by its own source port and the port per probe", async () => {
  const sent: { port: number; payload: Uint8Array; ttl: number }[] = [];
  let sport = 40000;
  const ignored: TraceIgnoreReason[] = [];
  const socket = fakeIcmpSocket(4, "raw", () => []);
  const channel = createTraceChannel(socket, {
    pollMs: 1,
    onIgnored: (r) => ignored.push(r),
    openUdp: () => {
      const port = sport++;
      return {
        port,
        send(_ip, dport, payload, ttl) {
          sent.push({ port: dport, payload: payload.slice(), ttl });
          const datagram = udp(port, dport, payload);
          const quote = (dst: string, d = datagram) => ip4("198.19.0.1", dst, 17, d);
          const answer = ttl <= 2
            ? packet(
              ROUTERS[ttl - 1]!,
              ip4(ROUTERS[ttl - 1]!, "198.19.0.1", 1, icmp(11, 0, quote(TARGET))),
            )
            : packet(TARGET, ip4(TARGET, "198.19.0.1", 1, icmp(3, 3, quote(TARGET))));
          socket.inbox.push(
            // Another traceroute's datagram (another source port), then ours about another host.
            packet(
              ROUTERS[0]!,
              ip4(
                ROUTERS[0]!,
                "198.19.0.1",
                1,
                icmp(11, 0, quote(TARGET, udp(port + 100, dport, payload))),
              ),
            ),
            packet(
              ROUTERS[0]!,
              ip4(ROUTERS[0]!, "198.19.0.1", 1, icmp(11, 0, quote("198.19.200.200"))),
            ),
            answer,
          );
          return undefined;
        },
        close() {},
        [Symbol.dispose]() {},
      };
    },
  });
  const r = await channel.trace(TARGET, { ...OPTS, protocol: "udp", count: 2 });
  channel.close();
  assert.equal(r.destinationTtl, 3);
  assert.deepEqual(r.hops.map((h) => [...h.addresses.keys()]), [[ROUTERS[0]], [ROUTERS[1]], [
    TARGET,
  ]]);
  assert.deepEqual(r.hops.map((h) => h.rttsSeconds.length), [2, 2, 2]);
  // Round 1: TTL 1-8 to ports 33434-33441; round 2: TTL 1-3 to 33442-33444.
  assert.deepEqual(sent.map((s) => s.port), [...Array(11).keys()].map((i) => 33434 + i));
  assert.deepEqual(sent.map((s) => s.ttl), [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3]);
  assert.deepEqual(
    [ignored.filter((x) => x === "foreign").length, ignored.filter((x) => x === "mismatch").length],
    [11, 11],
  );
});

Deno.test("createTraceChannel() protocol tcp: routers matched by the SYN's ports, the destination by its socket's state", async () => {
  const ignored: TraceIgnoreReason[] = [];
  const socket = fakeIcmpSocket(4, "raw", () => []);
  const sockets: { ttl: number; port: number; closed: boolean }[] = [];
  let sport = 50000;
  const channel = createTraceChannel(socket, {
    pollMs: 1,
    onIgnored: (r) => ignored.push(r),
    openTcp: () => ({
      connect(_ip, dport, ttl) {
        const s = { ttl, port: sport++, closed: false };
        sockets.push(s);
        // The SYN's first 8 bytes: ports and sequence number.
        const syn = new Uint8Array([
          s.port >> 8,
          s.port & 0xff,
          dport >> 8,
          dport & 0xff,
          1,
          2,
          3,
          4,
        ]);
        if (ttl <= 2) {
          const router = ROUTERS[ttl - 1]!;
          const quote = (d: Uint8Array) => ip4("198.19.0.1", TARGET, 6, d);
          const other = syn.slice();
          other[1] = other[1]! ^ 0x55; // another socket's port
          socket.inbox.push(
            packet(router, ip4(router, "198.19.0.1", 1, icmp(11, 0, quote(other)))),
            packet(router, ip4(router, "198.19.0.1", 1, icmp(11, 0, quote(syn)))),
          );
        }
        return {
          port: s.port,
          state: () => (ttl >= 3 ? (ttl === 3 ? "refused" : "open") : "pending"),
          close: () => void (s.closed = true),
        };
      },
    }),
  });
  const r = await channel.trace(TARGET, { ...OPTS, protocol: "tcp", port: 443, count: 2 });
  channel.close();
  assert.equal(r.destinationTtl, 3);
  assert.deepEqual(r.hops.map((h) => [...h.addresses.keys()]), [[ROUTERS[0]], [ROUTERS[1]], [
    TARGET,
  ]]);
  assert.deepEqual(r.hops.map((h) => h.rttsSeconds.length), [2, 2, 2]);
  assert.deepEqual(sockets.map((s) => s.ttl), [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3]);
  assert.ok(sockets.every((s) => s.closed), "every probe socket closed by the end of the run");
  assert.equal(ignored.filter((x) => x === "foreign").length, 4);
});

Deno.test("createTraceChannel() protocol udp closes its socket when no ICMP identifier is free", async () => {
  const openFds = () => [...Deno.readDirSync("/proc/self/fd")].length;
  const socket = fakeIcmpSocket(4, "raw", () => []);
  // Every draw is the same identifier: while one run holds it, the next finds none free.
  const channel = createTraceChannel(socket, { pollMs: 1, random: (b) => b.fill(7) });
  const holder = channel.trace(TARGET, { ...OPTS, timeoutMs: 100 });
  const before = openFds();
  const refused = await channel.trace(TARGET, { ...OPTS, protocol: "udp" });
  const after = openFds();
  await holder;
  channel.close();
  assert.deepEqual(refused, {
    hops: [],
    failure: { reason: "error", detail: "no free ICMP identifier" },
  });
  assert.equal(after, before, "the refused run's UDP socket is closed");
});

Deno.test("createTraceChannel() protocol udp gives back its identifier when its socket cannot open", async () => {
  const socket = fakeIcmpSocket(4, "raw", () => []);
  const channel = createTraceChannel(socket, {
    pollMs: 1,
    random: (b) => b.fill(7), // one identifier only: a run that kept it would starve the next
    openUdp: () => {
      throw new Error("Cannot open UDP socket: errno 24");
    },
  });
  const failed = await channel.trace(TARGET, { ...OPTS, protocol: "udp" });
  const next = await channel.trace(TARGET, { ...OPTS, timeoutMs: 20 });
  channel.close();
  assert.deepEqual(failed, {
    hops: [],
    failure: { reason: "error", detail: "Cannot open UDP socket: errno 24" },
  });
  assert.equal(next.failure, undefined, "the next run got the identifier and sent its probes");
});
