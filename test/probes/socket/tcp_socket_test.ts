import assert from "node:assert/strict";
import { compilePeerRegex } from "../../../src/base/peer_regex.ts";
import { createTcpProbe } from "../../../src/probes/tcp.ts";
import type { ModuleOf } from "../../../src/config/schema.ts";
import type { ProbeJob } from "../../../src/schedule/job.ts";
import { closedPort, silentPeer, tcpPeer } from "../../_support/tcp_servers.ts";
import { synDropPeer } from "../../_support/syn_drop_peer.ts";
import { ffiTcpConnect } from "../../../src/probes/socket/tcp_socket.ts";
import { acquireTcpPoller, type TcpPoller } from "../../../src/probes/socket/tcp_poller.ts";

const signal = new AbortController().signal;

function job(port: number, options: Omit<ModuleOf<"tcp">, "type">): ProbeJob<"tcp"> {
  return {
    target: `127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    probe: "t",
    type: "tcp",
    timeoutMs: 500,
    ipProtocol: "auto",
    options: { type: "tcp", ...options },
  };
}

Deno.test("TCP probe with source_ip connects from that address (our own socket)", async () => {
  // Disposed: the shared poller closes when its last user goes.
  await using probe = createTcpProbe();
  let seen = "";
  await using peer = tcpPeer((conn) => {
    seen = (conn.remoteAddr as Deno.NetAddr).hostname;
    conn.close();
  });
  const r = await probe.run(
    job(peer.port, { source_ip: "127.0.0.2", dscp: 10 }),
    signal,
  );
  assert.equal(r.success, true, r.detail);
  for (let i = 0; i < 100 && seen === ""; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(seen, "127.0.0.2");
});

Deno.test("TCP probe with socket options: refused, timeout, send and expect, bad source", async () => {
  // Disposed: the shared poller closes when its last user goes.
  await using probe = createTcpProbe();
  const port = closedPort();
  const refused = await probe.run(job(port, { dscp: 46 }), signal);
  assert.equal(refused.reason, "refused");
  assert.equal(
    refused.detail,
    `Cannot connect to 127.0.0.1:${port}: connection refused (errno 111)`,
  );
  await using silent = silentPeer();
  const t = await probe.run(
    job(silent.port, { dscp: 46, expect: compilePeerRegex("x") }),
    signal,
  );
  assert.equal(t.reason, "timeout");
  assert.ok(t.durationSeconds >= 0.49 && t.durationSeconds < 0.75, `${t.durationSeconds}`);
  await using echo = tcpPeer(async (conn) => {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    await conn.write(buf.subarray(0, n ?? 0));
    conn.close();
  });
  const ok = await probe.run(
    job(echo.port, { dscp: 46, send: "PING\r\n", expect: compilePeerRegex("^PING") }),
    signal,
  );
  assert.equal(ok.success, true, ok.detail);
  const bad = await probe.run(job(echo.port, { source_ip: "192.0.2.77" }), signal);
  assert.equal(bad.reason, "error");
  assert.equal(bad.detail, "Cannot bind source_ip 192.0.2.77: errno 99");
});

Deno.test("ffiTcpConnect() waits for its connect in the shared poller: connected, refused, SYN dropped", async () => {
  await using open = tcpPeer();
  await using dropping = await synDropPeer();
  const real = acquireTcpPoller();
  let waits = 0;
  const poller: TcpPoller = {
    connect: (sa, ms, s) => real.connect(sa, ms, s),
    awaitConnect(fd, ms, s) {
      waits++;
      return real.awaitConnect(fd, ms, s);
    },
    get pending() {
      return real.pending;
    },
    errorText: (e) => real.errorText(e),
    release: () => real.release(),
  };
  const fdsBefore = [...Deno.readDirSync("/proc/self/fd")].length;
  const connect = (port: number, ms: number) =>
    ffiTcpConnect({
      ip: "127.0.0.1",
      family: 4,
      port,
      socketOptions: { dscp: 46 },
      signal: AbortSignal.timeout(ms),
      poller,
    });
  (await connect(open.port, 500)).close();
  const closed = closedPort();
  await assert.rejects(connect(closed, 500), {
    message: `Cannot connect to 127.0.0.1:${closed}: connection refused (errno 111)`,
  });
  const t0 = performance.now();
  await assert.rejects(connect(dropping.port, 200), { name: "TimeoutError" });
  assert.ok(performance.now() - t0 < 450);
  assert.equal(waits, 3);
  assert.equal(real.pending, 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal([...Deno.readDirSync("/proc/self/fd")].length, fdsBefore);
  await poller.release();
});

Deno.test("ffiTcpConnect() pending when the poller closes rejects with why, not undefined", async () => {
  await using dropping = await synDropPeer();
  const fdsBefore = [...Deno.readDirSync("/proc/self/fd")].length;
  const poller = acquireTcpPoller();
  const pending = ffiTcpConnect({
    ip: "127.0.0.1",
    family: 4,
    port: dropping.port,
    socketOptions: { dscp: 46 },
    signal: AbortSignal.timeout(5000),
    poller,
  });
  const failed = pending.then(() => assert.fail("connected"), (e: Error) => e);
  await new Promise((r) => setTimeout(r, 20));
  await poller.release(); // a reload removed the last TCP module
  assert.deepEqual({ message: (await failed).message }, {
    message: `Cannot connect to 127.0.0.1:${dropping.port}: the TCP poller closed`,
  });
  assert.equal([...Deno.readDirSync("/proc/self/fd")].length, fdsBefore);
});

Deno.test("TCP probe with socket options to a port past 65535: Deno.connect's error, no wrap", async () => {
  await using probe = createTcpProbe();
  for (const port of [0, 65536 + 22, 70000]) {
    const r = await probe.run(job(port, { dscp: 46 }), signal);
    assert.equal(r.reason, "error");
    assert.equal(r.detail, `Invalid port (out of range): ${port}`);
  }
});
