import assert from "node:assert/strict";
import { runCli } from "../cli/_cli.ts";
import { startUdpResponder } from "../_support/udp_responder.ts";

/** `vmprober probe ARGS…` from source (killed after 15 s, so a hang fails the test). */
const cli = (...args: string[]) => runCli(["probe", ...args]);

Deno.test("probe udp: success with --json, mismatch and timeout as exit 2 with the reason", async () => {
  await using echo = startUdpResponder();
  await using silent = startUdpResponder({ mode: "silent" });
  const ok = await cli(
    "udp",
    `127.0.0.1:${echo.port}`,
    "--payload",
    "hi",
    "--expect",
    "^hi$",
    "--json",
  );
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout).success, true);
  const bad = await cli(
    "udp",
    "127.0.0.1",
    "--port",
    String(echo.port),
    "--payload",
    "hi",
    "--expect",
    "^no",
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /^udp 127\.0\.0\.1: FAILED \(mismatch\)/);
  const quiet = await cli("udp", `127.0.0.1:${silent.port}`, "--timeout", "200ms", "--json");
  assert.equal(quiet.code, 2);
  assert.equal(JSON.parse(quiet.stdout).reason, "timeout");
});

Deno.test("probe icmp: --count and --helper, human and --json output", async () => {
  const json = await cli("icmp", "::1", "--count", "3", "--interval", "10ms", "--json");
  assert.equal(json.code, 0);
  const o = JSON.parse(json.stdout);
  assert.deepEqual([o.icmp.sent, o.icmp.received, o.icmp.lossRatio], [3, 3, 0]);
  const human = await cli(
    "icmp",
    "127.0.0.1",
    "--count",
    "2",
    "--interval",
    "10ms",
    "--helper",
    "ping",
  );
  assert.equal(human.code, 0);
  assert.match(human.stdout, /2 sent, 2 received, 0\.0% loss/);
  assert.match(
    human.stdout,
    /rtt min\/avg\/median\/max\/stddev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/,
  );
});
