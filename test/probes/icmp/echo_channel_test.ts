import assert from "node:assert/strict";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { createEchoChannel } from "../../../src/probes/icmp/echo_channel.ts";
import type { IgnoreReason } from "../../../src/probes/icmp/echo_packet.ts";
import type { ReceivedPacket } from "../../../src/probes/icmp/ffi_socket.ts";
import { fakeIcmpSocket, type SentPacket } from "../../_support/icmp_fake_socket.ts";

/** The kernel's reply to a request, as a datagram IPv4 socket would hand it back. */
function replyTo(
  sent: SentPacket,
  rttNs = 40_000,
  mutate?: (p: Uint8Array) => void,
): ReceivedPacket {
  const p = sent.packet.slice();
  p[0] = 0;
  p[2] = p[3] = 0;
  mutate?.(p);
  const sum = internetChecksum(p);
  p[2] = sum >> 8;
  p[3] = sum & 0xff;
  return { bytes: p, source: sent.ip, receivedNs: sent.sentNs + rttNs, truncated: false };
}

const opts = { count: 3, intervalMs: 1, size: 16, timeoutMs: 200 };

Deno.test("createEchoChannel() times replies by kernel stamp minus send stamp", async () => {
  const socket = fakeIcmpSocket(
    4,
    "dgram",
    (s) => [replyTo(s, 25_000 + 1000 * (s.packet[7]! % 3))],
  );
  const channel = createEchoChannel(socket);
  const r = await channel.run("127.0.0.1", opts);
  channel.close();
  assert.equal(r.sent, 3);
  assert.equal(r.rttsSeconds.length, 3);
  assert.deepEqual(r.rttsSeconds.map((s) => Math.round(s * 1e6)).sort(), [25, 26, 27]);
  assert.equal(channel.inFlight(), 0);
  assert.equal(socket.closed, true);
});

Deno.test("createEchoChannel() ignores and counts hostile packets and still takes the real reply", async () => {
  const ignored: IgnoreReason[] = [];
  const socket = fakeIcmpSocket(4, "dgram", (s) => [
    { bytes: new Uint8Array(5), source: s.ip, receivedNs: s.sentNs, truncated: false }, // short
    { ...replyTo(s), bytes: replyTo(s).bytes.map((b, i) => (i === 9 ? b ^ 1 : b)) }, // checksum
    { ...replyTo(s), bytes: s.packet }, // an echo request to us
    replyTo(s, 1, (p) => (p[6]! ^= 0x80)), // another sequence: foreign
    { ...replyTo(s), source: "127.0.0.2" }, // right key, wrong source
    replyTo(s, 1, (p) => (p[8]! ^= 1)), // right key, wrong cookie
    replyTo(s),
    replyTo(s), // duplicate
  ]);
  const channel = createEchoChannel(socket, { onIgnored: (r) => ignored.push(r) });
  const r = await channel.run("127.0.0.1", { ...opts, count: 1 });
  channel.close();
  assert.equal(r.sent, 1);
  assert.deepEqual(r.rttsSeconds, [0.00004]);
  assert.deepEqual(ignored, [
    "short",
    "checksum",
    "echo_request",
    "foreign",
    "mismatch",
    "mismatch",
    "duplicate",
  ]);
});

Deno.test("createEchoChannel() reports loss when nothing answers, within the timeout", async () => {
  const socket = fakeIcmpSocket(6, "raw", () => []);
  const channel = createEchoChannel(socket);
  const started = performance.now();
  const r = await channel.run("::1", { ...opts, timeoutMs: 50 });
  channel.close();
  const { endMono, firstSentMono, ...rest } = r;
  assert.deepEqual(rest, { sent: 3, rttsSeconds: [], failure: undefined, hopLimit: undefined });
  // No reply: the run ended when waiting stopped, at the timeout (a timer may fire up to ~1 ms
  // early by performance.now(), whose clock is not the timers' clock).
  assert.ok(firstSentMono! >= started && endMono! - started >= 49, `${endMono! - started} ms`);
  assert.equal(channel.inFlight(), 0);
});

Deno.test("createEchoChannel() gives each run a fresh identifier and sequence base", async () => {
  const socket = fakeIcmpSocket(4, "raw", () => []);
  // Seeded: a raw channel draws each run's identifier from its block of 16, so two runs of an
  // unseeded channel share one 1 time in 16 (their keys still differ; the test failed so).
  let seed = 7;
  const random = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) {
      b[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    }
    return b;
  };
  const channel = createEchoChannel(socket, { random });
  // No replies: each run sends its 3 echoes 1 ms apart, then waits out its timeout (long enough
  // that a loaded machine still sends all three before it).
  await Promise.all([
    channel.run("127.0.0.1", { ...opts, timeoutMs: 150 }),
    channel.run("127.0.0.1", { ...opts, timeoutMs: 150 }),
  ]);
  channel.close();
  const keys = socket.sent.map((s) =>
    (s.packet[4]! << 24 | s.packet[5]! << 16 | s.packet[6]! << 8 | s.packet[7]!) >>> 0
  );
  assert.equal(new Set(keys).size, 6);
  const ids = new Set(socket.sent.map((s) => s.packet[4]! << 8 | s.packet[5]!));
  assert.equal(ids.size, 2);
});

Deno.test("createEchoChannel() falls back to the monotonic time when the wall clock steps", async () => {
  const socket = fakeIcmpSocket(4, "dgram", (s) => [replyTo(s, -5_000_000_000)]);
  const channel = createEchoChannel(socket);
  const r = await channel.run("127.0.0.1", { ...opts, count: 1 });
  channel.close();
  assert.equal(r.rttsSeconds.length, 1);
  assert.ok(r.rttsSeconds[0]! >= 0 && r.rttsSeconds[0]! < 0.2);
});

Deno.test("createEchoChannel() turns a failed send into unreachable", async () => {
  const socket = fakeIcmpSocket(4, "raw", () => []);
  socket.send = () => ({ errno: 101 });
  const channel = createEchoChannel(socket);
  const r = await channel.run("127.0.0.1", opts);
  channel.close();
  const { endMono: _end, ...rest } = r;
  assert.deepEqual(rest, {
    sent: 0,
    rttsSeconds: [],
    failure: { reason: "unreachable", detail: "sendto failed: errno 101" },
    firstSentMono: undefined,
    hopLimit: undefined,
  });
});

/** A reply to `sent` after `rttNs`; `flip` changes its sequence (someone else's reply). */
function flippedReplyTo(sent: SentPacket, rttNs: number, flip = 0): ReceivedPacket {
  const p = sent.packet.slice();
  p[0] = 0;
  p[2] = p[3] = 0;
  p[6]! ^= flip;
  const sum = internetChecksum(p);
  p[2] = sum >> 8;
  p[3] = sum & 0xff;
  return { bytes: p, source: sent.ip, receivedNs: sent.sentNs + rttNs, truncated: false };
}

Deno.test("createEchoChannel() takes its reply from behind 5,000 foreign packets within the timeout", async () => {
  let ignored = 0;
  // Other processes' echo replies (a raw socket sees every reply on the host) queued first.
  // (A datagram socket fake: the queue depth is what matters, not who filled it.)
  const socket = fakeIcmpSocket(4, "dgram", (s) => [
    ...Array.from({ length: 5000 }, () => flippedReplyTo(s, 10_000, 0x80)),
    flippedReplyTo(s, 36_000),
  ]);
  const channel = createEchoChannel(socket, { onIgnored: () => ignored++ });
  const r = await channel.run("127.0.0.1", { count: 1, intervalMs: 1, size: 16, timeoutMs: 30 });
  channel.close();
  assert.equal(r.sent, 1);
  assert.deepEqual(r.rttsSeconds, [0.000036]);
  assert.equal(ignored, 5000);
});

Deno.test("createEchoChannel() reads the replies of concurrent runs in a few drains, not one per echo", async () => {
  const socket = fakeIcmpSocket(4, "dgram", (s) => [replyTo(s)]);
  let drains = 0;
  const receiveEach = socket.receiveEach;
  socket.receiveEach = (visit, max) => {
    drains++;
    return receiveEach(visit, max);
  };
  const channel = createEchoChannel(socket, { pollMs: 2 });
  const runs = Array.from(
    { length: 200 },
    (_, i) => channel.run(`127.0.0.${1 + (i % 200)}`, { ...opts, count: 1 }),
  );
  const results = await Promise.all(runs);
  channel.close();
  // The fake answers from the address it was sent to: every run gets its one reply.
  assert.deepEqual(results.map((r) => r.rttsSeconds.length), Array(200).fill(1));
  // The first echo drains at once; the other 199 are read by the poll (one drain per turn).
  assert.ok(drains <= 10, `${drains} drains for 200 echoes`);
});

Deno.test("createEchoChannel() ends a run waiting for its reply as soon as its signal aborts", async () => {
  const socket = fakeIcmpSocket(4, "dgram", () => []);
  const channel = createEchoChannel(socket);
  const abort = new AbortController();
  const started = performance.now();
  const run = channel.run("127.0.0.1", { ...opts, count: 1, timeoutMs: 5_000 }, abort.signal);
  setTimeout(() => abort.abort(), 20);
  const r = await run;
  const tookMs = performance.now() - started;
  channel.close();
  assert.equal(r.sent, 1);
  assert.deepEqual(r.rttsSeconds, []);
  assert.ok(tookMs < 2_000, `${tookMs} ms`);
  assert.equal(channel.inFlight(), 0);
});

Deno.test("createEchoChannel() close() ends a one-echo run waiting for its reply, as loss", async () => {
  const socket = fakeIcmpSocket(4, "dgram", () => []);
  const channel = createEchoChannel(socket);
  const run = channel.run("127.0.0.1", { ...opts, count: 1, timeoutMs: 5_000 });
  setTimeout(() => channel.close(), 10);
  const r = await run;
  assert.equal(r.sent, 1);
  assert.deepEqual(r.rttsSeconds, []);
  assert.equal(r.failure, undefined);
  assert.equal(channel.inFlight(), 0);
});

Deno.test("createEchoChannel() runs of 0 and 1 echoes, and a bad address rejects", async () => {
  const socket = fakeIcmpSocket(4, "dgram", (s) => [replyTo(s)]);
  const channel = createEchoChannel(socket);
  const none = await channel.run("127.0.0.1", { ...opts, count: 0 });
  assert.equal(none.sent, 0);
  assert.deepEqual(none.rttsSeconds, []);
  const one = await channel.run("127.0.0.1", { ...opts, count: 1 });
  assert.equal(one.sent, 1);
  assert.equal(one.rttsSeconds.length, 1);
  await assert.rejects(channel.run("127.0.0.300", { ...opts, count: 1 }), SyntaxError);
  channel.close();
  assert.equal(channel.inFlight(), 0);
});
