import assert from "node:assert/strict";
import type { Logger } from "@logtape/logtape";
import { Registry } from "../../src/base/prom.ts";
import { createTargetManager } from "../../src/targets/manager.ts";
import { parseTargetGroups } from "../../src/targets/sd_format.ts";
import { fakeSource } from "../_support/sd_fake_source.ts";
import { manualClock } from "../_support/sd_manual_clock.ts";

Deno.test("TargetManager counts SD labels our series use, drops them from targets and logs once per change", async () => {
  const registry = new Registry();
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, props?: Record<string, unknown>) =>
    lines.push(`${level} ${msg.replace(/\{(\w+)\}/g, (_, k) => String(props?.[k]))}`);
  const logger = { debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
  const body = (extra: string) =>
    `[{"targets": ["10.0.0.1:22", "10.0.0.2:22"], "labels": {"dc": "fra", "le": "1"${extra}}}]`;
  const source = fakeSource("sd", parseTargetGroups(body(', "job": "x"')), { refreshMs: 1000 });
  await using manager = createTargetManager({
    sources: [source],
    registry,
    clock: manualClock(),
    logger: logger as unknown as Logger,
  });
  await manager.start(new AbortController().signal);
  assert.deepEqual(manager.targets().map((t) => [t.address, t.labels]), [
    ["10.0.0.1:22", { dc: "fra" }],
    ["10.0.0.2:22", { dc: "fra" }],
  ]);
  const dropped = async () =>
    (await registry.metrics()).split("\n").filter((l) =>
      l.startsWith("vmprober_sd_labels_dropped_total{")
    );
  assert.deepEqual(await dropped(), [
    'vmprober_sd_labels_dropped_total{source="sd",reason="reserved"} 2',
  ]);
  await manager.refresh("sd"); // same data: counted again, not logged again
  source.next = parseTargetGroups(body(""));
  await manager.refresh("sd"); // fewer names: logged
  source.next = parseTargetGroups('[{"targets": ["10.0.0.1:22"]}]');
  await manager.refresh("sd"); // none: nothing to say
  assert.deepEqual(await dropped(), [
    'vmprober_sd_labels_dropped_total{source="sd",reason="reserved"} 5',
  ]);
  assert.deepEqual(lines.filter((l) => l.startsWith("warn")), [
    "warn Target source sd: dropped 2 labels named job,le (names VMProber's own series use)",
    "warn Target source sd: dropped 1 labels named le (names VMProber's own series use)",
  ]);
});
