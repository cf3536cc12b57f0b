import assert from "node:assert/strict";
import {
  DECODE_BYTES,
  loadConfig,
  readConfigSteps,
  readConfigTextSync,
} from "../../src/config/load.ts";
import { countSteps } from "../_support/count_steps.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { busyFilePool, within } from "../_support/busy_file_pool.ts";

Deno.test("loadConfig() reads the file while every file thread is busy (no async fs call)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/c.yaml`;
  Deno.writeTextFileSync(path, "probes:\n  x: {type: tcp}\nagent: {listen: 127.0.0.1:9555}\n");
  const pool = await busyFilePool(dir, 256);
  try {
    const got = await within("loadConfig", loadConfig(path), 10_000);
    assert.equal(got.agent.listen, "127.0.0.1:9555");
  } finally {
    await pool.release();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfig() refuses a FIFO before opening it (a sync open would block)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.yaml`;
    assert.equal(new Deno.Command("mkfifo", { args: [path] }).outputSync().code, 0);
    await assert.rejects(
      () => loadConfig(path),
      (e) =>
        e instanceof ConfigError &&
        e.message === `${path}:1:1: Cannot read config: expected a regular file`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readConfigSteps() decodes DECODE_BYTES a step, characters across a step's end whole", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/c.yaml`;
    // "é" (2 bytes) and "€" (3 bytes) straddle the ends of the first steps.
    const text = `${"#".repeat(DECODE_BYTES - 1)}é\n${"#".repeat(DECODE_BYTES - 3)}€${
      "x".repeat(99)
    }`;
    Deno.writeTextFileSync(path, text);
    const { value, yields } = countSteps(readConfigSteps(path));
    assert.equal(value, text);
    assert.ok(yields >= 2, `${yields} yields`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("readConfigSteps() names the line and column of an invalid byte in a later step", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/c.yaml`;
    const head = new TextEncoder().encode(`${"# x\n".repeat(DECODE_BYTES / 2)}ab`);
    Deno.writeFileSync(path, new Uint8Array([...head, 0xff, 0x0a]));
    const line = DECODE_BYTES / 2 + 1;
    assert.throws(
      () => readConfigTextSync(path),
      (e) =>
        e instanceof ConfigError &&
        e.message === `${path}:${line}:3: expected UTF-8 text, got an invalid byte sequence`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
