/**
 * Config parsing cost: the shipped config, the largest static list the schema accepts
 * (100,000 targets) and hostile inputs that must be refused fast.
 * Run: deno bench -A test/bench/config_bench.ts
 */
import { parseConfig } from "../../src/config/parse.ts";

const shipped = await Deno.readTextFile(new URL("../../config/vmprober.yaml", import.meta.url));
const targets = Array.from(
  { length: 100_000 },
  (_, i) => `        - "10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:22"`,
);
const largest = `probes:\n  x: {type: tcp}\ntargets:\n  - static:\n      targets:\n${
  targets.join("\n")
}\n    probes: [x]\n`;
const items = `probes: [${"1,".repeat(2_000_000)}1]\n`;
const bomb = ["a: &a [x,x,x,x,x,x,x,x,x]"].concat(
  "bcdefghi".split("").map((k, i) =>
    `${k}: &${k} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`
  ),
).join("\n");
const nesting = `probes: ${"[".repeat(10_000)}\n`;

const parse = (text: string, ok: boolean) => () => {
  try {
    parseConfig(text, "bench.yaml");
    if (!ok) throw new Error("expected a ConfigError");
  } catch (e) {
    if (ok || (e as Error).name !== "ConfigError") throw e;
  }
};

Deno.bench("parseConfig: shipped config/vmprober.yaml", parse(shipped, true));
Deno.bench(
  "parseConfig: 100,000 static targets (2.5 MB, accepted)",
  { n: 5 },
  parse(largest, true),
);
Deno.bench("parseConfig: 2,000,000 flow items (4 MB, refused)", { n: 5 }, parse(items, false));
Deno.bench("parseConfig: alias bomb (refused)", parse(bomb, false));
Deno.bench("parseConfig: 10,000 nested [ (refused)", parse(nesting, false));
