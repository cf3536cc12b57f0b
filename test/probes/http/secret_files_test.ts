import assert from "node:assert/strict";
import { readSecret, readSmallFile } from "../../../src/probes/http/secret_files.ts";
import { busyFilePool, within } from "../../_support/busy_file_pool.ts";

Deno.test("readSecret() reads a secret file while every file thread is busy", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/password`, "hunter2\nsecond line\n");
    await using _pool = await busyFilePool(dir);
    assert.equal(await within("readSecret", readSecret(`${dir}/password`)), "hunter2");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSmallFile() refuses a FIFO, a directory and a file over 1 MiB with the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(new Deno.Command("mkfifo", { args: [`${dir}/fifo`] }).outputSync().code, 0);
    await Deno.writeFile(`${dir}/big`, new Uint8Array(1024 * 1024 + 1));
    const cases: [string, string][] = [
      [`${dir}/fifo`, "expected a regular file"],
      [dir, "expected a file, got a directory"],
      [`${dir}/big`, "expected at most 1048576 bytes, got 1048577"],
      [`${dir}/missing`, "no such file"],
    ];
    for (const [path, why] of cases) {
      await assert.rejects(
        () => within("readSmallFile", readSmallFile(path)),
        (e) => e instanceof Error && e.message === `Cannot read ${path}: ${why}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
