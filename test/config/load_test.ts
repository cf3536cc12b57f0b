import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.ts";
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
