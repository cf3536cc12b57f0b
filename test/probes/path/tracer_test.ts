import assert from "node:assert/strict";
import { createTracer, pathIcmpTypes } from "../../../src/probes/path/tracer.ts";
import { SocketOpenError } from "../../../src/probes/icmp/ffi_socket.ts";
import type { RunSocket, RunSocketSpec } from "../../../src/probes/path/errqueue_sockets.ts";

const opts = {
  protocol: "icmp",
  maxHops: 3,
  count: 1,
  intervalMs: 1,
  size: 56,
  port: 33434,
  timeoutMs: 500,
} as const;

/** A run socket whose probes are answered by hop 1 and 2 (time exceeded) and the destination. */
function fakeRun(spec: RunSocketSpec): RunSocket {
  const queued: ReturnType<RunSocket["read"]> = [];
  const routers = ["10.0.0.1", "10.0.1.2"];
  return {
    send(_ip, sequence, ttl) {
      queued.push({
        sequence,
        from: routers[ttl - 1] ?? spec.destination,
        kind: ttl <= routers.length ? "hop" : "destination",
        code: 0,
        receivedNs: 2_000_000,
        payload: spec.cookie,
      });
      return { sentNs: 1_000_000 };
    },
    read: () => queued.splice(0),
    close() {},
  };
}

Deno.test("createTracer() without a raw socket goes unprivileged: icmp, udp and tcp runs on sockets of their own", async () => {
  let opens = 0;
  const runs: string[] = [];
  await using tracer = createTracer({
    open: (family) => {
      opens++;
      throw new SocketOpenError(1, `Cannot open raw ICMPv${family} socket: errno 1`);
    },
    openRun: (protocol, spec) => {
      runs.push(`${protocol} ${spec.destination} ${spec.port} ${spec.cookie.length}`);
      return fakeRun(spec);
    },
  });
  for (const protocol of ["icmp", "udp", "tcp"] as const) {
    const r = await tracer.trace("198.19.9.1", 4, { ...opts, protocol });
    assert.equal(r.failure, undefined);
    assert.equal(r.destinationTtl, 3, protocol);
    assert.deepEqual(
      r.hops.map((h) => [h.ttl, h.sent, [...h.addresses.keys()], h.rttsSeconds]),
      [[1, 1, ["10.0.0.1"], [0.001]], [2, 1, ["10.0.1.2"], [0.001]], [3, 1, ["198.19.9.1"], [
        0.001,
      ]]],
    );
  }
  assert.equal(opens, 1);
  assert.deepEqual(runs, [
    "icmp 198.19.9.1 33434 8",
    "udp 198.19.9.1 33434 8",
    "tcp 198.19.9.1 33434 8",
  ]);
});

Deno.test("createTracer(): an unprivileged run whose socket cannot open fails with why", async () => {
  await using tracer = createTracer({
    open: () => {
      throw new SocketOpenError(13, "Cannot open raw ICMPv4 socket: errno 13");
    },
    openRun: () => {
      throw new Error("Cannot open dgram ICMPv4 socket: errno 13");
    },
  });
  assert.deepEqual(await tracer.trace("198.19.9.1", 4, opts), {
    hops: [],
    failure: { reason: "error", detail: "Cannot open dgram ICMPv4 socket: errno 13" },
  });
});

Deno.test("createTracer(): a raw socket that fails for another reason fails each trace, opening once", async () => {
  let opens = 0;
  await using tracer = createTracer({
    open: (family) => {
      opens++;
      throw new Error(`Cannot open raw ICMPv${family} socket: no FFI`);
    },
  });
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await tracer.trace("198.19.9.1", 4, opts), {
      hops: [],
      failure: {
        reason: "error",
        detail:
          "path probes need a raw ICMPv4 socket (root or CAP_NET_RAW): Cannot open raw ICMPv4 socket: no FFI",
      },
    });
  }
  assert.equal(opens, 1);
});

Deno.test("pathIcmpTypes() lets echo replies, time exceeded and unreachable through, per family", () => {
  assert.deepEqual(pathIcmpTypes(4), [0, 11, 3]);
  assert.deepEqual(pathIcmpTypes(6), [129, 3, 1]);
});
