import assert from "node:assert/strict";
import { machineLine, parseLoadavg, tableVerdict } from "./machine.ts";

Deno.test("tableVerdict() refuses a run whose load before start was above 1", () => {
  assert.deepEqual(tableVerdict(0.4), { publishable: true });
  assert.deepEqual(tableVerdict(1), { publishable: true });
  assert.deepEqual(tableVerdict(1.01), {
    publishable: false,
    why: "load average 1.01 before the start is above 1: not for the README",
  });
  assert.equal(tableVerdict(NaN).publishable, false, "an unreadable load is not a quiet one");
  assert.equal(tableVerdict(2.5, 3).publishable, true);
});

Deno.test("parseLoadavg() reads /proc/loadavg and rejects garbage", () => {
  assert.deepEqual(parseLoadavg("0.52 1.44 1.70 1/96 3719\n"), [0.52, 1.44, 1.7]);
  assert.throws(() => parseLoadavg("busy"), {
    name: "SyntaxError",
    message: 'Cannot read load average from "busy"',
  });
});

Deno.test("machineLine() names CPU, cores, kernel and every load reading", () => {
  assert.equal(
    machineLine({ cpus: 2, model: "AMD EPYC", kernel: "6.1.0" }, [[0.5, 0.4, 0.3], [
      1.2,
      0.6,
      0.4,
    ]]),
    "machine: 2 × AMD EPYC, Linux 6.1.0; load average 0.5 0.4 0.3 → 1.2 0.6 0.4",
  );
});
