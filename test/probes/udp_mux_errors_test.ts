import assert from "node:assert/strict";
import { createUdpMux, type UdpIgnoreReason } from "../../src/probes/udp_mux.ts";
import type { UdpSink, UdpTransport } from "../../src/probes/udp_transport.ts";
import type { SocketError } from "../../src/probes/socket/icmp_error.ts";
import { FakeClock } from "../_support/fake_clock.ts";

/** A transport whose datagrams and errors the test hands in. */
function fakeTransport() {
  let sink: UdpSink | undefined;
  let stop: (() => void) | undefined;
  const transport: UdpTransport = {
    send: () => Promise.resolve(),
    run(s) {
      sink = s;
      return new Promise((r) => (stop = r));
    },
    close: () => stop?.(),
  };
  return { transport, sink: () => sink! };
}

const portUnreachable = (destination: string, port: number): SocketError => ({
  errno: 111,
  origin: "icmp",
  type: 3,
  code: 3,
  info: 0,
  offender: destination,
  destination,
  port,
  original: new Uint8Array(8),
});

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

Deno.test("createUdpMux() ends an exchange on its ICMP error; other errors are counted, never taken", async () => {
  const clock = new FakeClock();
  const fake = fakeTransport();
  const ignored: UdpIgnoreReason[] = [];
  await using mux = createUdpMux({
    clock,
    open: () => fake.transport,
    onIgnored: (r) => ignored.push(r),
  });
  const pending = mux.exchange("10.0.0.1", 4, 53, new Uint8Array([1]), 1000);
  await settle();
  assert.equal(fake.sink().busy(), "active");
  fake.sink().error(portUnreachable("10.0.0.1", 54)); // another port
  fake.sink().error(portUnreachable("10.0.0.2", 53)); // another host
  fake.sink().error({ ...portUnreachable("10.0.0.1", 53), origin: "local", errno: 90 }); // its send's
  await clock.advance(3);
  fake.sink().error(portUnreachable("10.0.0.1", 53));
  fake.sink().error(portUnreachable("10.0.0.1", 53)); // a second one while it ends
  const result = await pending;
  assert.deepEqual(result, {
    kind: "icmp",
    reason: "refused",
    detail: "ICMP destination unreachable (type 3, code 3: port unreachable) from 10.0.0.1",
    seconds: 0.003,
  });
  assert.deepEqual(ignored, ["unexpected", "unexpected", "duplicate"]);
  // Held after the exchange: the socket is read slowly, and a late error counts as such.
  assert.equal(fake.sink().busy(), "held");
  fake.sink().error(portUnreachable("10.0.0.1", 53));
  assert.deepEqual(ignored.at(-1), "duplicate");
  await clock.advance(10_000);
  assert.equal(fake.sink().busy(), "idle");
});
