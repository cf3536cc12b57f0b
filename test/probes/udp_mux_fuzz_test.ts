/**
 * Fuzz: 10,000 seeded rounds of UDP reply matching over a fake socket. Each round one probe
 * sends to one of a few endpoints while random datagrams arrive from that endpoint, the same IP
 * on other ports, other IPs, IPv4-mapped IPv6 spellings and unparsable sources, before, during
 * and after the exchange. Exactly: the probe gets the first datagram from its endpoint after the
 * send (or a timeout when none came), and every other datagram is counted once as late,
 * duplicate or unexpected: taken + ignored = sent, never a throw.
 */
import assert from "node:assert/strict";
import { createUdpMux, type UdpIgnoreReason } from "../../src/probes/udp_mux.ts";
import { FakeClock } from "../_support/fake_clock.ts";
import { prng } from "../_support/prng.ts";

const ROUNDS = 10_000;

/** A datagram socket whose received datagrams the test hands in. */
function fakeSocket() {
  const queue: [Uint8Array, Deno.Addr][] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const sent: Deno.Addr[] = [];
  const conn = {
    async receive(): Promise<[Uint8Array, Deno.Addr]> {
      while (queue.length === 0) {
        if (closed) throw new Deno.errors.BadResource("closed");
        await new Promise<void>((r) => (wake = r));
      }
      return queue.shift()!;
    },
    send(_data: Uint8Array, addr: Deno.Addr): Promise<number> {
      sent.push(addr);
      return Promise.resolve(_data.length);
    },
    close() {
      closed = true;
      wake?.();
    },
  } as unknown as Deno.DatagramConn;
  return {
    conn,
    sent,
    deliver(data: Uint8Array, hostname: string, port: number) {
      queue.push([data, { transport: "udp", hostname, port }]);
      wake?.();
    },
  };
}

/** Lets the fake socket's deliveries and the mux's promise callbacks run (microtasks only). */
const settle = async () => {
  for (let i = 0; i < 40; i++) await Promise.resolve();
};

Deno.test(`createUdpMux() matches replies exactly over ${ROUNDS} fuzzed rounds`, async () => {
  const rng = prng(33);
  const clock = new FakeClock();
  const ignored: Record<UdpIgnoreReason, number> = { late: 0, duplicate: 0, unexpected: 0 };
  const sockets: ReturnType<typeof fakeSocket>[] = [];
  await using mux = createUdpMux({
    clock,
    maxSockets: 1,
    listen: () => {
      const s = fakeSocket();
      sockets.push(s);
      return s.conn;
    },
    onIgnored: (r) => ignored[r]++,
  });
  const endpoints = [["127.0.0.1", 53], ["127.0.0.2", 53], ["127.0.0.1", 5353]] as const;
  let sentDatagrams = 0;
  let taken = 0;
  let refused = 0;
  /** When each endpoint is free again on the one socket (held after a reply or a timeout). */
  const heldUntil = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const [ip, port] = rng.pick(endpoints);
    const strays = () => {
      for (let n = rng.int(3); n > 0; n--) {
        const [host, p] = rng.pick(
          [
            [ip, port + 1],
            ["127.0.0.9", port],
            ["::ffff:127.0.0.3", port],
            ["not-an-ip", port],
            ["", 0],
          ] as const,
        );
        sockets[0]!.deliver(rng.bytes(4), host, p);
        sentDatagrams++;
      }
    };
    const key = `${ip}|${port}`;
    const held = (heldUntil.get(key) ?? -1) > clock.now();
    const exchange = mux.exchange(ip, 4, port, new Uint8Array([round & 255]), 1000);
    await settle(); // sent: the probe waits now
    strays();
    const fromPeer = rng.int(3); // 0, 1 or 2 datagrams from the endpoint itself
    const first = rng.bytes(6);
    for (let n = 0; n < fromPeer; n++) {
      sockets[0]!.deliver(n === 0 ? first : rng.bytes(6), ip, port);
      sentDatagrams++;
    }
    await settle();
    strays();
    await settle();
    if (!held && fromPeer === 0) await clock.advance(1000); // the timeout nobody answered
    else clock.jump(1000);
    const result = await exchange;
    if (held) {
      // The endpoint is still held from the last round: no socket for it, refused at once.
      assert.equal(result.kind, "error", `round ${round}`);
      refused++;
    } else if (fromPeer > 0) {
      assert.equal(result.kind, "reply", `round ${round}`);
      assert.deepEqual(result.kind === "reply" && [...result.data], [...first], `round ${round}`);
      taken++;
      heldUntil.set(key, clock.now()); // held 1 s from the reply: free after the jump below
    } else {
      assert.equal(result.kind, "timeout", `round ${round}`);
      heldUntil.set(key, clock.now() + 5000);
    }
    clock.jump(rng.pick([0, 10_000])); // sometimes the next round finds the endpoint held
    await settle();
    assert.equal(taken + ignored.late + ignored.duplicate + ignored.unexpected, sentDatagrams);
  }
  assert.ok(ignored.duplicate > 100 && ignored.unexpected > 100, JSON.stringify(ignored));
  assert.ok(
    ignored.late > 100 && refused > 100 && taken > 1000,
    JSON.stringify({ taken, refused }),
  );
  assert.equal(sockets.length, 1);
});
