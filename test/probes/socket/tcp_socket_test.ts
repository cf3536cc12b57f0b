import assert from "node:assert/strict";
import { compilePeerRegex } from "../../../src/base/peer_regex.ts";
import { createTcpProbe } from "../../../src/probes/tcp.ts";
import type { ModuleOf } from "../../../src/config/schema.ts";
import type { ProbeJob } from "../../../src/schedule/job.ts";
import { closedPort, silentPeer, tcpPeer } from "../../_support/tcp_servers.ts";

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
  let seen = "";
  await using peer = tcpPeer((conn) => {
    seen = (conn.remoteAddr as Deno.NetAddr).hostname;
    conn.close();
  });
  const r = await createTcpProbe().run(
    job(peer.port, { source_ip: "127.0.0.2", dscp: 10 }),
    signal,
  );
  assert.equal(r.success, true, r.detail);
  for (let i = 0; i < 100 && seen === ""; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(seen, "127.0.0.2");
});

Deno.test("TCP probe with socket options: refused, timeout, send and expect, bad source", async () => {
  const port = closedPort();
  const refused = await createTcpProbe().run(job(port, { dscp: 46 }), signal);
  assert.equal(refused.reason, "refused");
  assert.equal(
    refused.detail,
    `Cannot connect to 127.0.0.1:${port}: connection refused (errno 111)`,
  );
  await using silent = silentPeer();
  const t = await createTcpProbe().run(
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
  const ok = await createTcpProbe().run(
    job(echo.port, { dscp: 46, send: "PING\r\n", expect: compilePeerRegex("^PING") }),
    signal,
  );
  assert.equal(ok.success, true, ok.detail);
  const bad = await createTcpProbe().run(job(echo.port, { source_ip: "192.0.2.77" }), signal);
  assert.equal(bad.reason, "error");
  assert.equal(bad.detail, "Cannot bind source_ip 192.0.2.77: errno 99");
});
