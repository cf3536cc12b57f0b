import assert from "node:assert/strict";
import { createTracer, pathIcmpTypes } from "../../../src/probes/path/tracer.ts";
import { SocketOpenError } from "../../../src/probes/icmp/ffi_socket.ts";

Deno.test("createTracer() without a raw socket fails each trace with error and why, opening once", async () => {
  let opens = 0;
  await using tracer = createTracer({
    open: (family) => {
      opens++;
      throw new SocketOpenError(1, `Cannot open raw ICMPv${family} socket: errno 1`);
    },
  });
  const opts = {
    protocol: "icmp",
    maxHops: 3,
    count: 1,
    intervalMs: 1,
    size: 56,
    port: 33434,
    timeoutMs: 100,
  } as const;
  for (let i = 0; i < 2; i++) {
    const r = await tracer.trace("198.19.9.1", 4, opts);
    assert.deepEqual(r, {
      hops: [],
      failure: {
        reason: "error",
        detail:
          "path probes need a raw ICMPv4 socket (root or CAP_NET_RAW): Cannot open raw ICMPv4 socket: errno 1",
      },
    });
  }
  assert.equal(opens, 1);
});

Deno.test("pathIcmpTypes() lets echo replies, time exceeded and unreachable through, per family", () => {
  assert.deepEqual(pathIcmpTypes(4), [0, 11, 3]);
  assert.deepEqual(pathIcmpTypes(6), [129, 3, 1]);
});
