import assert from "node:assert/strict";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { createIcmpProbe } from "../../../src/probes/icmp/icmp_probe.ts";
import type { ReceivedPacket } from "../../../src/probes/icmp/ffi_socket.ts";
import { fakeIcmpSocket, type SentPacket } from "../../_support/icmp_fake_socket.ts";

/** The kernel's reply to a request, as a datagram IPv4 socket would hand it back. */
function replyTo(sent: SentPacket, rttNs: number): ReceivedPacket {
  const p = sent.packet.slice();
  p[0] = 0;
  p[2] = p[3] = 0;
  const sum = internetChecksum(p);
  p[2] = sum >> 8;
  p[3] = sum & 0xff;
  return { bytes: p, source: sent.ip, receivedNs: sent.sentNs + rttNs, truncated: false };
}

Deno.test("createIcmpProbe() duration ends at the reply's kernel stamp, not when the reply is read", async () => {
  let pendingReply: ReceivedPacket | undefined;
  const socket = fakeIcmpSocket(4, "dgram", (s) => {
    pendingReply = replyTo(s, 36_000);
    return []; // the reply is only readable 400 ms later (a busy socket, a late poll)
  });
  const late = setTimeout(() => socket.inbox.push(pendingReply!), 400);
  await using probe = createIcmpProbe({
    helper: "socket",
    socket: { kinds: ["dgram"], open: (family) => family === 4 ? socket : failOpen() },
  });
  const outcome = await probe.run({
    target: "127.0.0.1",
    host: "127.0.0.1",
    probe: "icmp",
    type: "icmp",
    timeoutMs: 2000,
    ipProtocol: "ip4",
    options: { type: "icmp", count: 1 },
  }, new AbortController().signal);
  clearTimeout(late);
  assert.equal(outcome.success, true);
  assert.deepEqual(outcome.icmp?.rttsSeconds, [0.000036]);
  // resolve (a literal) + setup (building one packet) + the 36 µs RTT; reading it 400 ms later
  // must not count (a duration taken at the read would be ≥ 0.4 s; half of it leaves room for a
  // slow setup on a loaded machine).
  assert.ok(outcome.durationSeconds < 0.2, `duration ${outcome.durationSeconds} s`);
  assert.ok(outcome.durationSeconds >= 0.000036);
});

function failOpen(): never {
  throw new Error("Cannot open an ICMPv6 socket: not in this test");
}
