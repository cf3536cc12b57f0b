/**
 * The connect-only TCP probe through the shared epoll poller, side by side with the same probe
 * through `Deno.connect` (`poller: null`): the same outcome, reason and detail on real loopback
 * sockets (open, closed, SYN dropped), IPv4 and IPv6, names and literals; and without the ffi
 * permission the probe falls back to `Deno.connect` and says so.
 */
import assert from "node:assert/strict";
import { createTcpProbe } from "../../src/probes/tcp.ts";
import { acquireTcpPoller, type TcpPoller } from "../../src/probes/socket/tcp_poller.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import type { Resolver } from "../../src/net/resolver.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { synDropPeer } from "../_support/syn_drop_peer.ts";
import { probeJob } from "../_support/probe_job.ts";
import { DENO } from "../_support/agent_process.ts";

const job = (host: string, port: number, timeoutMs = 300, o: Omit<ModuleOf<"tcp">, "type"> = {}) =>
  probeJob("tcp", o, { host, port, probe: "t", timeoutMs });
const signal = new AbortController().signal;

/** The shared poller, counting the connects it is asked for. */
function countingPoller(): TcpPoller & { connects: number } {
  const real = acquireTcpPoller();
  const counted = {
    connects: 0,
    connect(sa: Uint8Array, ms: number, s: AbortSignal) {
      counted.connects++;
      return real.connect(sa, ms, s);
    },
    awaitConnect: (fd: number, ms: number, s: AbortSignal) => real.awaitConnect(fd, ms, s),
    get pending() {
      return real.pending;
    },
    errorText: (e: number) => real.errorText(e),
    release: () => real.release(),
  };
  return counted;
}

for (const ip of ["127.0.0.1", "::1"]) {
  Deno.test(`createTcpProbe() connect-only to ${ip}: the poller's outcomes are Deno.connect's`, async () => {
    await using open = tcpPeer(undefined, ip);
    await using dropping = await synDropPeer(ip);
    const poller = countingPoller();
    await using fast = createTcpProbe({ poller });
    await using deno = createTcpProbe({ poller: null });
    const closed = closedPort();
    for (
      const [port, reason, detail] of [
        [open.port, undefined, undefined],
        [closed, "refused", "Connection refused (os error 111)"],
        [dropping.port, "timeout", "probe timed out"],
      ] as const
    ) {
      const [a, b] = [await fast.run(job(ip, port), signal), await deno.run(job(ip, port), signal)];
      for (const r of [a, b]) {
        assert.equal(r.success, reason === undefined, `${port}: ${r.detail}`);
        assert.equal(r.reason, reason);
        assert.equal(r.detail, detail);
        assert.equal(r.ipProtocol, ip === "::1" ? 6 : 4);
        assert.equal(r.ipAddrHash, b.ipAddrHash);
      }
      assert.equal(a.dnsLookupSeconds, 0); // an IP literal needs no lookup
      if (reason === "timeout") assert.ok(a.durationSeconds >= 0.299 && a.durationSeconds < 0.5);
      else assert.ok(a.durationSeconds > 0 && a.durationSeconds < 0.3, `${a.durationSeconds}`);
    }
    assert.equal(poller.connects, 3);
    await poller.release();
  });
}

Deno.test("createTcpProbe() connect-only to a name: resolved, then through the poller", async () => {
  await using open = tcpPeer();
  const resolver: Resolver = {
    resolve: () => Promise.resolve({ ip: "127.0.0.1", family: 4 }),
  } as unknown as Resolver;
  const poller = countingPoller();
  await using probe = createTcpProbe({ poller, resolver });
  const ok = await probe.run(job("web.example", open.port), signal);
  assert.equal(ok.success, true);
  assert.equal(ok.ipAddress, "127.0.0.1");
  const refused = await probe.run(job("web.example", closedPort()), signal);
  assert.equal(refused.reason, "refused");
  assert.equal(poller.connects, 2);
  // tls, send, expect and socket options are not connect-only: Deno.connect or our own socket.
  await probe.run(job("127.0.0.1", open.port, 300, { send: "x" }), signal);
  assert.equal(poller.connects, 2);
  await poller.release();
});

Deno.test("createTcpProbe() connect-only reports the agent stopping as the other path does", async () => {
  await using dropping = await synDropPeer();
  await using probe = createTcpProbe();
  const stop = new AbortController();
  const pending = probe.run(job("127.0.0.1", dropping.port, 5000), stop.signal);
  setTimeout(() => stop.abort(new DOMException("agent stopping", "AbortError")), 50);
  const r = await pending;
  assert.equal(r.reason, "timeout");
  assert.equal(r.detail, "agent stopping");
  assert.ok(r.durationSeconds < 1);
});

Deno.test("createTcpProbe() without the ffi permission falls back to Deno.connect and logs why", async () => {
  await using open = tcpPeer();
  const script = `
    import { createTcpProbe } from "${new URL("../../src/probes/tcp.ts", import.meta.url)}";
    import { setupLogging } from "${new URL("../../src/log.ts", import.meta.url)}";
    await setupLogging({ level: "info", format: "text" });
    const job = (port) => ({ target: "t", host: "127.0.0.1", port, probe: "t", type: "tcp",
      options: {}, timeoutMs: 500, ipProtocol: "auto" });
    const s = new AbortController().signal;
    const p = createTcpProbe();
    const ok = await p.run(job(${open.port}), s);
    const no = await p.run(job(${closedPort()}), s);
    console.log(JSON.stringify([ok.success, no.reason, no.detail]));
  `;
  const out = await new Deno.Command(DENO, {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = out.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const { stdout, stderr } = await out.output();
  const err = new TextDecoder().decode(stderr);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), [
    true,
    "refused",
    "Connection refused (os error 111)",
  ], err);
  assert.match(
    err,
    /TCP: connect-only probes fall back to Deno\.connect \(more CPU per probe\): the ffi permission is prompt/,
  );
});

Deno.test("createTcpProbe() connect-only to port 0 or past 65535: Deno.connect's error, no connect", async () => {
  // Targets are checked at the config, but a job is the probe's boundary: 70000 must not
  // connect to 70000 & 0xffff (4464), nor port 0 be reported "refused".
  const poller = countingPoller();
  await using fast = createTcpProbe({ poller });
  await using deno = createTcpProbe({ poller: null });
  for (const host of ["127.0.0.1", "::1"]) {
    for (const port of [0, 65536, 70000]) {
      const [a, b] = [
        await fast.run(job(host, port), signal),
        await deno.run(job(host, port), signal),
      ];
      for (const r of [a, b]) {
        assert.equal(r.success, false);
        assert.equal(r.reason, "error");
        assert.equal(r.detail, `Invalid port (out of range): ${port}`);
      }
    }
  }
  assert.equal(poller.connects, 0);
  await poller.release();
});
