import { compilePeerRegex } from "../../src/base/peer_regex.ts";
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { createUdpProbe, udpPayload } from "../../src/probes/udp.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import { startUdpResponder } from "../_support/udp_responder.ts";
import { probeJob } from "../_support/probe_job.ts";

const job = (
  host: string,
  port: number,
  options: Omit<ModuleOf<"udp">, "type">,
  timeoutMs = 1000,
) => probeJob("udp", options, { host, port, probe: "udp_test", timeoutMs });

const never = new AbortController().signal;

async function ignored(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric("vmprober_udp_replies_ignored_total")!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.reason), v.value]));
}

Deno.test("udpPayload() takes payload_hex over payload, and text as UTF-8", () => {
  assert.deepEqual(
    udpPayload({ payload_hex: "00ff10", payload: "x" }),
    new Uint8Array([0, 255, 16]),
  );
  assert.deepEqual(udpPayload({ payload: "hé" }), new Uint8Array([0x68, 0xc3, 0xa9]));
  assert.deepEqual(udpPayload({}), new Uint8Array(0));
});

Deno.test("UDP probe succeeds against an echo responder on IPv4 and IPv6", async () => {
  await using v4 = startUdpResponder();
  await using v6 = startUdpResponder({ hostname: "::1" });
  await using probe = createUdpProbe();
  const a = await probe.run(
    job("127.0.0.1", v4.port, { payload: "ping", expect: compilePeerRegex("^ping$") }),
    never,
  );
  assert.equal(a.success, true);
  assert.equal(a.ipProtocol, 4);
  const b = await probe.run(job("::1", v6.port, { payload_hex: "0102" }), never);
  assert.equal(b.success, true);
  assert.equal(b.ipProtocol, 6);
});

Deno.test("UDP probe reports timeout for a silent port", async () => {
  await using silent = startUdpResponder({ mode: "silent" });
  await using probe = createUdpProbe();
  const o = await probe.run(job("127.0.0.1", silent.port, { payload: "x" }, 150), never);
  assert.equal(o.success, false);
  assert.equal(o.reason, "timeout");
  assert.equal(o.detail, `no reply from 127.0.0.1:${silent.port}`);
  assert.equal(silent.received, 1);
});

Deno.test("UDP probe reports mismatch when the reply does not match expect", async () => {
  await using echo = startUdpResponder({ prefix: "SSH-" });
  await using probe = createUdpProbe();
  const o = await probe.run(
    job("127.0.0.1", echo.port, { payload: "hello", expect: compilePeerRegex("^HTTP") }),
    never,
  );
  assert.equal(o.success, false);
  assert.equal(o.reason, "mismatch");
  assert.equal(o.detail, 'reply of 9 bytes does not match "^HTTP"');
  const ok = await probe.run(
    job("127.0.0.1", echo.port, { payload: "hello", expect: compilePeerRegex("^SSH-hello$") }),
    never,
  );
  assert.equal(ok.success, true);
});

Deno.test("UDP probe matches binary replies byte for byte with \\xNN", async () => {
  await using echo = startUdpResponder();
  await using probe = createUdpProbe();
  const o = await probe.run(
    job("127.0.0.1", echo.port, {
      payload_hex: "00ff81809f",
      // 0x80-0x9F too: a windows-1252 decoder would turn 0x80 into U+20AC.
      expect: compilePeerRegex("^\\x00\\xff\\x81\\x80\\x9f$"),
    }),
    never,
  );
  assert.equal(o.success, true);
});

Deno.test("UDP probe without a port fails with error", async () => {
  await using probe = createUdpProbe();
  const o = await probe.run({ ...job("127.0.0.1", 1, {}), port: undefined }, never);
  assert.deepEqual([o.success, o.reason, o.detail], [
    false,
    "error",
    "no port: set the module's port or target:port",
  ]);
});

Deno.test("UDP probe reports dns when the name does not resolve", async () => {
  await using probe = createUdpProbe({
    resolver: {
      resolve: () => Promise.reject(new Deno.errors.NotFound("no A record for nope.invalid")),
    },
  });
  const o = await probe.run(job("nope.invalid", 53, {}), never);
  assert.deepEqual([o.success, o.reason], [false, "dns"]);
  assert.equal(o.detail, "Cannot resolve nope.invalid: no A record for nope.invalid");
});

Deno.test("UDP probe: 500 concurrent probes to 50 responders never cross replies", async () => {
  const responders = Array.from({ length: 50 }, () => startUdpResponder());
  const registry = new Registry();
  const probe = createUdpProbe({ registry });
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const r = responders[i % 50]!;
        return probe.run(
          job("127.0.0.1", r.port, {
            payload: `probe-${i}`,
            expect: compilePeerRegex(`^probe-${i}$`),
          }, 3000),
          never,
        );
      }),
    );
    assert.equal(outcomes.filter((o) => o.success).length, 500);
    assert.ok(outcomes.every((o) => o.reason === undefined));
    // 10 probes in flight per responder need 10 sockets, no more.
    assert.equal(probe.mux.sockets(), 10);
    assert.deepEqual(await ignored(registry), { late: 0, duplicate: 0, unexpected: 0 });
  } finally {
    await probe.close();
    for (const r of responders) await r[Symbol.asyncDispose]();
  }
});

Deno.test("UDP probe ignores and counts a late reply; the next probe is not fooled by it", async () => {
  // The first datagram is answered after 300 ms (after its probe timed out); later ones at once.
  await using slow = startUdpResponder({ delayMs: (n) => (n === 0 ? 300 : 0) });
  const registry = new Registry();
  await using probe = createUdpProbe({ registry });
  const first = await probe.run(
    job("127.0.0.1", slow.port, { payload: "first", expect: compilePeerRegex("^first$") }, 100),
    never,
  );
  assert.equal(first.reason, "timeout");
  const second = await probe.run(
    job("127.0.0.1", slow.port, { payload: "second", expect: compilePeerRegex("^second$") }, 1000),
    never,
  );
  assert.equal(second.success, true);
  while ((await ignored(registry)).late === 0) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await ignored(registry), { late: 1, duplicate: 0, unexpected: 0 });
  assert.equal(probe.mux.sockets(), 2);
});

Deno.test("UDP probe ignores and counts duplicated and wrong-source replies", async () => {
  await using twice = startUdpResponder({ times: 3 });
  await using wrong = startUdpResponder({ fromOtherSocket: true });
  const registry = new Registry();
  await using probe = createUdpProbe({ registry });
  const dup = await probe.run(
    job("127.0.0.1", twice.port, { payload: "d", expect: compilePeerRegex("^d$") }),
    never,
  );
  assert.equal(dup.success, true);
  const foreign = await probe.run(job("127.0.0.1", wrong.port, { payload: "w" }, 200), never);
  assert.equal(foreign.reason, "timeout");
  const counts = await ignored(registry);
  assert.deepEqual(counts, { late: 0, duplicate: 2, unexpected: 1 });
});
