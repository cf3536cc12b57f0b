import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/config_error.ts";

/**
 * Keeps Deno's pool of file threads busy: `count` async opens of FIFOs with no writer each hold
 * a thread (as thousands of probes a second can keep the pool busy). `release` gives every FIFO
 * a writer (an O_RDWR open never blocks on Linux), so the opens finish.
 */
async function busyFilePool(dir: string, count: number) {
  const paths = Array.from({ length: count }, (_, i) => `${dir}/fifo${i}`);
  const made = new Deno.Command("mkfifo", { args: paths }).outputSync();
  assert.equal(made.code, 0, "mkfifo failed");
  const opens = paths.map((p) => Deno.open(p, { read: true }));
  await new Promise((r) => setTimeout(r, 100));
  return {
    async release() {
      const writers = paths.map((p) => Deno.openSync(p, { read: true, write: true }));
      for (const f of await Promise.all(opens)) f.close();
      for (const w of writers) w.close();
    },
  };
}

Deno.test("loadConfig() reads the file while every file thread is busy (no async fs call)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/c.yaml`;
  Deno.writeTextFileSync(path, "probes:\n  x: {type: tcp}\nagent: {listen: 127.0.0.1:9555}\n");
  const pool = await busyFilePool(dir, 256);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<"pending">((r) => timer = setTimeout(() => r("pending"), 10_000));
    const got = await Promise.race([loadConfig(path), late]);
    if (got === "pending") assert.fail("loadConfig still waiting for a file thread after 10 s");
    assert.equal(got.agent.listen, "127.0.0.1:9555");
  } finally {
    clearTimeout(timer);
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
