import assert from "node:assert/strict";
import { formatDuration, parseDuration, parseSize } from "../../src/config/units.ts";

Deno.test("parseDuration() reads every unit into milliseconds", () => {
  assert.deepEqual(
    ["500us", "250ms", "10s", "5m", "2h", "1d", "1.5s", " 7s "].map(parseDuration),
    [0.5, 250, 10_000, 300_000, 7_200_000, 86_400_000, 1500, 7000],
  );
});

Deno.test("parseDuration() adds compound forms", () => {
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("1h2m3s4ms"), 3_723_004);
});

Deno.test("parseDuration() rejects an unknown unit, a missing unit and junk", () => {
  for (const text of ["fast", "5", "5x", "5 s", "5S", "-5s", "s", "", "1.5.5s", "5s!", "1e3s"]) {
    assert.throws(() => parseDuration(text), {
      name: "SyntaxError",
      message: `Cannot parse duration: expected a duration like "5s", got "${text}"`,
    }, text);
  }
});

Deno.test("parseSize() reads binary and decimal units into bytes", () => {
  assert.deepEqual(
    ["1000", "1B", "64KiB", "16MiB", "1GiB", "1TiB", "1KB", "2MB", "3GB", "1TB", "1.5KiB", "8 MiB"]
      .map(parseSize),
    [
      1000,
      1,
      65536,
      16 * 1024 ** 2,
      1024 ** 3,
      1024 ** 4,
      1000,
      2e6,
      3e9,
      1e12,
      1536,
      8 * 1024 ** 2,
    ],
  );
});

Deno.test("parseSize() rejects unknown units and junk", () => {
  for (const text of ["lots", "1PB", "1 KIB", "1kb", "-1KiB", "", "KiB", "1e3"]) {
    assert.throws(() => parseSize(text), {
      name: "SyntaxError",
      message: `Cannot parse size: expected a size like "64MiB", got "${text}"`,
    }, text);
  }
});

Deno.test("formatDuration() gives the shortest text that parseDuration() reads back", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [250, "250ms"],
    [1000, "1s"],
    [90_000, "1m30s"],
    [3_723_004, "1h2m3s4ms"],
    [86_400_000, "1d"],
    [24 * 86_400_000, "24d"],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    assert.equal(parseDuration(text), ms);
  }
});
