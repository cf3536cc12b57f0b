import assert from "node:assert/strict";
import {
  createPingHelper,
  parsePingOutput,
  pingArguments,
} from "../../../src/probes/icmp/ping_fallback.ts";

const OUTPUT = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.031 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.045 ms

--- 127.0.0.1 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 2003ms
rtt min/avg/max/mdev = 0.031/0.038/0.045/0.007 ms`;

Deno.test("pingArguments() passes fractional interval and linger, a whole-second deadline, size and ttl", () => {
  assert.deepEqual(
    pingArguments({ count: 5, intervalMs: 200, size: 56, ttl: 9, timeoutMs: 1500 }),
    [
      "-i",
      "0.200",
      "-W",
      "0.700",
      "-w",
      "2",
      "-s",
      "56",
      "-t",
      "9",
    ],
  );
  assert.deepEqual(pingArguments({ count: 1, intervalMs: 1000, size: 0, timeoutMs: 300 }), [
    "-i",
    "1.000",
    "-W",
    "0.300",
    "-w",
    "1",
    "-s",
    "0",
  ]);
});

Deno.test("parsePingOutput() reads transmitted count and every RTT", () => {
  assert.deepEqual(parsePingOutput({ output: OUTPUT, times: [0.031, 0.25] }), {
    sent: 3,
    rttsSeconds: [0.000031, 0.00025],
  });
});

Deno.test("parsePingOutput() turns a ping error into a failure with ping's words", () => {
  assert.deepEqual(
    parsePingOutput({ output: "ping: connect: Network is unreachable\n", times: [] }),
    {
      sent: 0,
      rttsSeconds: [],
      failure: { reason: "unreachable", detail: "ping: ping: connect: Network is unreachable" },
    },
  );
  assert.equal(parsePingOutput({ output: "", times: [] }).failure?.detail, "ping: no output");
});

Deno.test("createPingHelper() hands the package the count, family and our arguments", async () => {
  const calls: [string, Record<string, unknown>][] = [];
  const helper = createPingHelper({
    probe: (addr, config) => {
      calls.push([addr, config]);
      return Promise.resolve({ output: OUTPUT, times: [0.031, 0.25] });
    },
  });
  const r = await helper.run("::1", 6, { count: 3, intervalMs: 100, size: 8, timeoutMs: 1000 });
  await helper.close();
  assert.deepEqual(r, { sent: 3, rttsSeconds: [0.000031, 0.00025] });
  assert.equal(calls[0]![0], "::1");
  assert.equal(calls[0]![1].min_reply, 3);
  assert.equal(calls[0]![1].v6, true);
  assert.equal(calls[0]![1].timeout, false);
});

Deno.test("createPingHelper() reports a ping that cannot start as error", async () => {
  const helper = createPingHelper({
    probe: () => Promise.reject(new Error("ping.probe: spawn failed")),
  });
  const r = await helper.run("127.0.0.1", 4, {
    count: 1,
    intervalMs: 100,
    size: 8,
    timeoutMs: 1000,
  });
  assert.deepEqual(r, {
    sent: 0,
    rttsSeconds: [],
    failure: { reason: "error", detail: "ping.probe: spawn failed" },
  });
});
