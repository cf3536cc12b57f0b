/**
 * The connect-only TCP probe (the shared epoll poller) and blackbox_exporter's tcp prober on the
 * same loopback targets through `/probe`: open, refused and SYN-dropped (timeout), IPv4 and IPv6,
 * a literal and a name. Both give the same `probe_success`, the same failure (blackbox's
 * `connect: connection refused` / `i/o timeout` in its debug log, our `reason`) and, for a
 * timeout, a duration at the module's timeout.
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { startBlackbox } from "../_support/prom_servers.ts";
import { synDropPeer } from "../_support/syn_drop_peer.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { tempDir } from "../_support/temp_dir.ts";

const value = (text: string, name: string) =>
  Number(text.split("\n").find((l) => l.startsWith(name + " "))?.split(" ")[1]);

Deno.test("connect-only TCP through the poller and blackbox_exporter agree: open, refused, timeout", async () => {
  await using drop = await synDropPeer();
  await using drop6 = await synDropPeer("::1");
  await using open = tcpPeer();
  await using open6 = tcpPeer(undefined, "::1");
  await using wal = await tempDir();
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json, level: info}}
probes:
  tcp_connect: {type: tcp, timeout: 1s, interval: 1h}
# A target naming the module keeps the ffi permission (a /probe-only module would not).
targets:
  - static: {targets: ["127.0.0.1:${open.port}"]}
    probes: [tcp_connect]
wal: {dir: ${wal.path}}
`);
  await using agent = await startAgentProcess(config);
  await using blackbox = await startBlackbox(
    "modules:\n  tcp_connect: {prober: tcp, timeout: 1s}\n",
  );
  const cases = [
    [`127.0.0.1:${open.port}`, null, null],
    [`[::1]:${open6.port}`, null, null],
    [`localhost:${open.port}`, null, null],
    [`127.0.0.1:${closedPort()}`, "refused", "connect: connection refused"],
    [`[::1]:${closedPort()}`, "refused", "connect: connection refused"],
    [`127.0.0.1:${drop.port}`, "timeout", "i/o timeout"],
    [`[::1]:${drop6.port}`, "timeout", "i/o timeout"],
  ] as const;
  for (const [target, reason, theirWhy] of cases) {
    const path = `/probe?module=tcp_connect&target=${encodeURIComponent(target)}&debug=true`;
    const [mine, theirs] = await Promise.all([
      agent.get(path).then((r) => r.text),
      fetch(blackbox.base + path).then((r) => r.text()),
    ]);
    const ok = reason === null ? 1 : 0;
    assert.equal(value(mine, "probe_success"), ok, `ours ${target}:\n${mine}`);
    assert.equal(value(theirs, "probe_success"), ok, `theirs ${target}:\n${theirs}`);
    if (reason === null) continue;
    assert.match(mine, new RegExp(`reason=${reason}`), `ours ${target}`);
    assert.ok(theirs.includes(theirWhy), `theirs ${target}: ${theirWhy}\n${theirs}`);
    if (reason === "timeout") {
      for (const text of [mine, theirs]) {
        const d = value(text, "probe_duration_seconds");
        assert.ok(d >= 0.99 && d < 1.5, `${target}: ${d} s`);
      }
    }
  }
  assert.match(agent.log(), /TCP: connect-only probes through the shared epoll poller/);
});
