import assert from "node:assert/strict";
import { errqueueTrace } from "../../../src/probes/path/errqueue_trace.ts";
import {
  classifyError,
  type RunAnswer,
  type RunSocket,
  type RunSocketSpec,
} from "../../../src/probes/path/errqueue_sockets.ts";
import type { SocketError } from "../../../src/probes/socket/icmp_error.ts";

const opts = {
  protocol: "udp",
  maxHops: 4,
  count: 1,
  intervalMs: 10,
  size: 16,
  port: 33434,
  timeoutMs: 300,
} as const;

/** A socket whose probes `answer(ttl, spec)` answers (nothing when it returns []). */
function scripted(answer: (ttl: number, spec: RunSocketSpec) => Omit<RunAnswer, "sequence">[]) {
  let closed = 0;
  const open = (spec: RunSocketSpec): RunSocket => {
    const queued: RunAnswer[] = [];
    return {
      send(_ip, sequence, ttl) {
        for (const a of answer(ttl, spec)) queued.push({ ...a, sequence });
        return { sentNs: 1_000_000 };
      },
      read: () => queued.splice(0),
      close: () => void closed++,
    };
  };
  return { open, closed: () => closed };
}

const at = (from: string, kind: RunAnswer["kind"], payload: Uint8Array, code = 0) => ({
  from,
  kind,
  code,
  receivedNs: 3_000_000,
  payload,
});

Deno.test("errqueueTrace(): a router's unreachable ends the list there; wrong cookies and duplicates do not count", async () => {
  const s = scripted((ttl, spec) =>
    ttl === 1
      ? [at("10.0.0.1", "hop", spec.cookie), at("10.0.0.9", "hop", spec.cookie)] // duplicate
      : ttl === 2
      ? [at("10.0.1.1", "hop", new Uint8Array(spec.cookie.length).fill(0xee))] // not our cookie
      : ttl === 3
      ? [at("10.0.2.1", "unreachable", spec.cookie, 1)]
      : []
  );
  const r = await errqueueTrace("198.19.9.1", 4, opts, s.open, { pollMs: 1 });
  assert.deepEqual(
    r.hops.map((h) => [h.ttl, h.sent, [...h.addresses], h.rttsSeconds]),
    [[1, 1, [["10.0.0.1", 1]], [0.002]], [2, 1, [], []], [3, 1, [["10.0.2.1", 1]], [0.002]]],
  );
  assert.equal(r.destinationTtl, undefined);
  assert.deepEqual(r.unreachable, { hop: 3, from: "10.0.2.1", code: 1 });
  assert.equal(s.closed(), 1);
});

Deno.test("errqueueTrace(): a socket that cannot send fails the run with the errno's reason", async () => {
  const open = (): RunSocket => ({
    send: () => ({ errno: 101 }),
    read: () => [],
    close() {},
  });
  const r = await errqueueTrace("198.19.9.1", 4, opts, open, { pollMs: 1 });
  assert.equal(r.hops.length, 0);
  assert.equal(r.failure?.detail, "sendto failed: errno 101");
});

Deno.test("errqueueTrace(): an abort ends the run at once with what was answered", async () => {
  const s = scripted(() => []);
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 20);
  const started = performance.now();
  const r = await errqueueTrace("198.19.9.1", 4, { ...opts, timeoutMs: 10_000 }, s.open, {
    pollMs: 1,
  }, stop.signal);
  assert.ok(performance.now() - started < 5_000);
  assert.deepEqual(r.hops.map((h) => h.sent), [1, 1, 1, 1]);
  assert.equal(s.closed(), 1);
});

const err = (o: Partial<SocketError>): SocketError => ({
  errno: 113,
  origin: "icmp",
  type: 11,
  code: 0,
  info: 0,
  offender: "10.0.0.1",
  destination: "198.19.9.1",
  port: 33434,
  original: new Uint8Array(),
  ...o,
});

Deno.test("classifyError(): time exceeded is a hop, unreachable from the destination is the destination, else ignored", () => {
  const d = "198.19.9.1";
  assert.equal(classifyError(err({}), 4, d), "hop");
  assert.equal(classifyError(err({ type: 3, code: 3, offender: d }), 4, d), "destination");
  assert.equal(classifyError(err({ type: 3, code: 1 }), 4, d), "unreachable");
  assert.equal(classifyError(err({ destination: "198.19.9.2" }), 4, d), undefined);
  assert.equal(classifyError(err({ origin: "local", type: 0 }), 4, d), undefined);
  assert.equal(classifyError(err({ offender: undefined }), 4, d), undefined);
  assert.equal(classifyError(err({ type: 12 }), 4, d), undefined); // parameter problem
  assert.equal(classifyError(err({ origin: "icmp6", type: 3 }), 6, d), "hop");
  assert.equal(
    classifyError(err({ origin: "icmp6", type: 1, code: 4, offender: d }), 6, d),
    "destination",
  );
  assert.equal(classifyError(err({ origin: "icmp", type: 3 }), 6, d), undefined);
});
