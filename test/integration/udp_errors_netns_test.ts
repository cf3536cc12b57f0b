/**
 * UDP errors read, not waited for, in namespaces the test makes (host — router — target): a port
 * an nftables rule drops is a `timeout` after the full timeout; a closed port is `refused` (the
 * target's ICMP port unreachable) and a destination the router has an `unreachable` route for is
 * `unreachable` (the router's ICMP), both far below the timeout, each with the ICMP type/code in
 * the detail, for IPv4 and IPv6.
 */
import assert from "node:assert/strict";
import { createUdpProbe } from "../../src/probes/udp.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { createRoutedLab } from "../_support/netns_router.ts";
import { canonicalIp } from "../../src/probes/icmp/sockaddr.ts";

const never = new AbortController().signal;
const TIMEOUT_MS = 2000;

function job(host: string, port: number): ProbeJob<"udp"> {
  return {
    target: `${host}:${port}`,
    host,
    port,
    probe: "udp",
    type: "udp",
    timeoutMs: TIMEOUT_MS,
    ipProtocol: "auto",
    options: { type: "udp", payload: "x" },
  };
}

Deno.test("UDP probe: dropped port is timeout, closed port refused, unroutable host unreachable", async () => {
  await using lab = await createRoutedLab();
  await lab.target.nft(`table inet t {
  chain in { type filter hook input priority 0; udp dport 9999 counter drop comment "dropped"; }
}`);
  await using probe = createUdpProbe();
  for (
    const [ip, router, v6] of [[lab.target4, lab.router4, false], [
      lab.target6,
      lab.router6,
      true,
    ]] as const
  ) {
    const icmp = v6 ? "ICMPv6" : "ICMP";
    const dropped = await probe.run(job(ip, 9999), never);
    assert.equal(dropped.reason, "timeout");
    assert.equal(dropped.detail, `no reply from ${ip}:9999`);
    assert.ok(dropped.durationSeconds >= TIMEOUT_MS / 1000 - 0.01, `${dropped.durationSeconds}`);

    const closed = await probe.run(job(ip, 9), never);
    assert.equal(closed.reason, "refused", closed.detail);
    assert.equal(
      closed.detail,
      `${icmp} destination unreachable (type ${
        v6 ? "1, code 4" : "3, code 3"
      }: port unreachable) from ${canonicalIp(ip, v6 ? 6 : 4)}`,
    );
    assert.ok(closed.durationSeconds < TIMEOUT_MS / 2000, `took ${closed.durationSeconds} s`);

    const far = v6 ? lab.unreachable6 : lab.unreachable4;
    const unreachable = await probe.run(job(far, 53), never);
    assert.equal(unreachable.reason, "unreachable", unreachable.detail);
    assert.equal(
      unreachable.detail,
      v6
        ? `ICMPv6 destination unreachable (type 1, code 0: no route to destination) from ${
          canonicalIp(router, 6)
        }`
        : `ICMP destination unreachable (type 3, code 1: host unreachable) from ${router}`,
    );
    assert.ok(
      unreachable.durationSeconds < TIMEOUT_MS / 2000,
      `took ${unreachable.durationSeconds} s`,
    );
  }
  assert.equal(await lab.target.counter("dropped"), 2);
});

Deno.test("UDP probe: a closed loopback port is refused at once, and the next probe on the socket is not hurt", async () => {
  await using probe = createUdpProbe();
  const closedPort = (() => {
    const c = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const port = (c.addr as Deno.NetAddr).port;
    c.close();
    return port;
  })();
  for (let i = 0; i < 20; i++) {
    const o = await probe.run(job("127.0.0.1", closedPort), never);
    assert.equal(o.reason, "refused", o.detail);
    assert.equal(
      o.detail,
      "ICMP destination unreachable (type 3, code 3: port unreachable) from 127.0.0.1",
    );
    assert.ok(o.durationSeconds < TIMEOUT_MS / 2000, `took ${o.durationSeconds} s`);
  }
  assert.equal(probe.mux.kind(), "ffi");
});

Deno.test("UDP probe: 600 refused probes with forced GCs keep the process sound (FFI buffers stay alive)", async () => {
  const ports: string[] = [];
  for (let i = 0; i < 6; i++) {
    const c = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    ports.push(String((c.addr as Deno.NetAddr).port));
    c.close();
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", "test/_support/udp_gc_fixture.ts", ...ports],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "ok refused");
});
