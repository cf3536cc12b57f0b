/**
 * ICMP errors read, not waited for: an echo to a destination a router has an `unreachable`
 * route for fails at once with `unreachable` and the router's ICMP type/code in the detail, on
 * the raw socket (in this process) and on the unprivileged datagram socket (a prober process in
 * a namespace with `ping_group_range` open); a TTL too small gets the router's time exceeded; a
 * `dont_fragment` echo bigger than the router's next link gets "fragmentation needed" with the
 * MTU. Each ends far below its timeout.
 */
import assert from "node:assert/strict";
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import type { ProbeOutcome } from "../../src/probes/types.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import { createRoutedLab, type RoutedLab } from "../_support/netns_router.ts";
import { probeJob } from "../_support/probe_job.ts";

const never = new AbortController().signal;
const TIMEOUT_MS = 3000;

const job = (host: string, options: Partial<ModuleOf<"icmp">> = {}) =>
  probeJob("icmp", { count: 1, helper: "socket", ...options }, { host, timeoutMs: TIMEOUT_MS });

/** The outcome of one dgram-socket echo to `host`, sent by a prober inside the target namespace. */
async function probeFromTarget(lab: RoutedLab, host: string) {
  const line = await lab.target.exec([
    Deno.execPath(),
    "run",
    "-A",
    "test/_support/icmp_probe_fixture.ts",
    host,
    "1",
    "10",
    "dgram",
    String(TIMEOUT_MS),
  ]);
  return JSON.parse(line) as { kinds: Record<4 | 6, string>; outcome: ProbeOutcome };
}

Deno.test("ICMP probe fails at once with unreachable and the router's ICMP code (raw socket)", async () => {
  await using lab = await createRoutedLab();
  await using probe = createIcmpProbe({ helper: "socket", socket: { kinds: ["raw"] } });
  const ok4 = await probe.run(job(lab.target4), never);
  assert.equal(ok4.success, true, ok4.detail);
  // The target sends with TTL / hop limit 64; the router takes one.
  assert.equal(ok4.icmpReplyHopLimit, 63);
  const ok6 = await probe.run(job(lab.target6), never);
  assert.equal(ok6.success, true, ok6.detail);
  assert.equal(ok6.icmpReplyHopLimit, 63);
  const o4 = await probe.run(job(lab.unreachable4), never);
  assert.equal(o4.reason, "unreachable");
  assert.equal(
    o4.detail,
    `ICMP destination unreachable (type 3, code 1: host unreachable) from ${lab.router4}`,
  );
  assert.ok(o4.durationSeconds < TIMEOUT_MS / 2000, `took ${o4.durationSeconds} s`);
  assert.equal(o4.icmp?.sent, 1);
  assert.equal(o4.icmp?.received, 0);
  const o6 = await probe.run(job(lab.unreachable6), never);
  assert.equal(o6.reason, "unreachable");
  assert.equal(
    o6.detail,
    `ICMPv6 destination unreachable (type 1, code 0: no route to destination) from ${
      canonical6(lab.router6)
    }`,
  );
  assert.ok(o6.durationSeconds < TIMEOUT_MS / 2000, `took ${o6.durationSeconds} s`);
});

Deno.test("ICMP probe with a TTL below the path gets the router's time exceeded at once", async () => {
  await using lab = await createRoutedLab();
  await using probe = createIcmpProbe({ helper: "socket", socket: { kinds: ["raw"] } });
  const o4 = await probe.run(job(lab.target4, { ttl: 1, count: 3, packet_interval: 10 }), never);
  assert.equal(o4.reason, "unreachable");
  assert.equal(
    o4.detail,
    `ICMP time exceeded (type 11, code 0: TTL exceeded in transit) from ${lab.router4}`,
  );
  assert.equal(o4.icmp?.sent, 3);
  assert.ok(o4.durationSeconds < TIMEOUT_MS / 2000, `took ${o4.durationSeconds} s`);
  const o6 = await probe.run(job(lab.target6, { ttl: 1 }), never);
  assert.equal(
    o6.detail,
    `ICMPv6 time exceeded (type 3, code 0: hop limit exceeded in transit) from ${
      canonical6(lab.router6)
    }`,
  );
});

Deno.test("ICMP probe with dont_fragment past a router's smaller MTU fails with message too long and the MTU", async () => {
  await using lab = await createRoutedLab({ mtu: 1400 });
  await using probe = createIcmpProbe({ helper: "socket", socket: { kinds: ["raw"] } });
  const small = await probe.run(job(lab.target4, { dont_fragment: true, size: 1300 }), never);
  assert.equal(small.success, true, small.detail);
  const big = await probe.run(job(lab.target4, { dont_fragment: true, size: 1450 }), never);
  assert.equal(big.reason, "unreachable");
  assert.equal(
    big.detail,
    `message too long: ICMP destination unreachable (type 3, code 4: fragmentation needed) from ${lab.router4} (mtu 1400)`,
  );
  assert.ok(big.durationSeconds < TIMEOUT_MS / 2000, `took ${big.durationSeconds} s`);
  // The kernel now knows the path MTU: the next one fails on send, with the same MTU.
  const again = await probe.run(job(lab.target4, { dont_fragment: true, size: 1450 }), never);
  assert.equal(again.reason, "unreachable");
  assert.equal(again.detail, "message too long: local error (mtu 1400)");
  // Without dont_fragment the same size is fragmented and answered.
  const fragmented = await probe.run(job(lab.target4, { size: 1450 }), never);
  assert.equal(fragmented.success, true, fragmented.detail);
  const big6 = await probe.run(job(lab.target6, { dont_fragment: true, size: 1450 }), never);
  assert.equal(big6.reason, "unreachable");
  assert.equal(
    big6.detail,
    `message too long: ICMPv6 packet too big (type 2, code 0) from ${
      canonical6(lab.router6)
    } (mtu 1400)`,
  );
});

Deno.test("ICMP probe on an unprivileged datagram socket reads unreachable from the error queue", async () => {
  await using lab = await createRoutedLab();
  // The target namespace probes: its default route is the router, which has the unreachable route.
  await lab.target.exec(["sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647"]);
  // The router's own addresses answer with TTL / hop limit 64, read from the control data; the
  // unreachable ones fail at once with the router's error, read from the error queue.
  const cases = [
    { host: lab.router4, answered: true },
    { host: lab.router6, answered: true },
    { host: lab.unreachable4, answered: false },
    { host: lab.unreachable6, answered: false },
  ];
  for (const { host, answered } of cases) {
    const { kinds, outcome } = await probeFromTarget(lab, host);
    assert.deepEqual(kinds, { 4: "dgram", 6: "dgram" }, host);
    if (answered) {
      assert.equal(outcome.success, true, outcome.detail);
      assert.equal(outcome.icmpReplyHopLimit, 64, host);
      continue;
    }
    assert.equal(outcome.reason, "unreachable", outcome.detail);
    assert.match(
      outcome.detail ?? "",
      /^ICMP(v6)? destination unreachable \(type [13], code [01]: /,
    );
    assert.ok(outcome.durationSeconds < TIMEOUT_MS / 2000, `took ${outcome.durationSeconds} s`);
  }
});

function canonical6(ip: string): string {
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  return [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t]
    .map((g) => parseInt(g, 16).toString(16)).join(":");
}
