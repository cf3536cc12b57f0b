import assert from "node:assert/strict";
import { runCli } from "../cli/_cli.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";

/** `vmprober probe ARGS…` from source (killed after 15 s, so a hang fails the test). */
const cli = (...args: string[]) => runCli(["probe", ...args]);

Deno.test("probe path: an mtr-like table of the hops, --json with hops and series, exit 2 when not reached", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20, lossPercent: 10 } });
  const [r1, r2] = chain.routers;
  const ip = chain.targets[0]!.ip4;
  const table = await cli("path", ip, "--count", "20", "--interval", "10ms");
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split("\n");
  assert.match(lines[0]!, new RegExp(`^path ${ip.replaceAll(".", "\\.")}: OK in `));
  assert.match(lines[1]!, /Host +Loss% +Snt +Rcv +Avg +Med +Best +Wrst +StDev$/);
  assert.deepEqual(
    lines.slice(2).map((l) => /^ +(\d+)\.\|-- (\S+) +[\d.]+% +20 +\d+ /.exec(l)?.slice(1)),
    [["1", r1!.ip4], ["2", r2!.ip4], ["3", ip]],
  );

  const json = await cli("path", ip, "--count", "5", "--interval", "10ms", "--json");
  assert.equal(json.code, 0, json.stderr);
  const o = JSON.parse(json.stdout);
  assert.deepEqual(o.path.hops.map((h: { address: string }) => h.address), [r1!.ip4, r2!.ip4, ip]);
  assert.equal(o.metrics["vmprober_path_hops"], 3);
  assert.equal(typeof o.metrics[`vmprober_path_hop_loss_ratio{address="${ip}",hop="3"}`], "number");

  // Two hops are not enough to reach the target: exit 2, the reason, the two hops still listed.
  const short = await cli("path", ip, "--max-hops", "2", "--count", "2", "--timeout", "1s");
  assert.equal(short.code, 2);
  assert.match(
    short.stdout,
    /FAILED \(timeout\).*not reached within 2 hops \(last answer from hop 2/,
  );
  assert.match(short.stdout, new RegExp(`2\\.\\|-- ${r2!.ip4.replaceAll(".", "\\.")} `));

  const bad = await cli("path", ip, "--max-hops", "0");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^vmprober probe: max_hops: Too small: expected number to be >=1$/m);
});
