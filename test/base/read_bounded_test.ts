import assert from "node:assert/strict";
import {
  CHUNK_BYTES,
  FileReadError,
  readBoundedSteps,
  readBoundedSync,
  readTextBoundedSync,
} from "../../src/base/read_bounded.ts";
import { runSliced } from "../../src/base/slices.ts";
import { busyFilePool, within } from "../_support/busy_file_pool.ts";

function fails(fn: () => unknown, reason: FileReadError["reason"], message: string) {
  assert.throws(
    fn,
    (e) => e instanceof FileReadError && e.reason === reason && e.message === message,
  );
}

Deno.test("readBoundedSync() reads a file up to its bound and refuses one past it", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/a`, "0123456789");
    assert.equal(readTextBoundedSync(`${dir}/a`, 10), "0123456789");
    fails(() => readBoundedSync(`${dir}/a`, 9), "too_large", "expected at most 9 bytes, got 10");
    Deno.writeFileSync(`${dir}/empty`, new Uint8Array());
    assert.equal(readBoundedSync(`${dir}/empty`, 10).length, 0);
    fails(() => readBoundedSync(`${dir}/missing`, 10), "not_found", "no such file");
    fails(() => readBoundedSync(dir, 10), "not_regular", "expected a file, got a directory");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("readBoundedSync() refuses a FIFO before opening it (a sync open would block)", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.equal(new Deno.Command("mkfifo", { args: [`${dir}/f`] }).outputSync().code, 0);
    fails(() => readBoundedSync(`${dir}/f`, 10), "not_regular", "expected a regular file");
    fails(() => readBoundedSync("/dev/zero", 10), "not_regular", "expected a regular file");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("readBoundedSteps() reads a 5 MiB file in 1 MiB steps, byte for byte", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const data = new Uint8Array(5 * CHUNK_BYTES + 17).map((_, i) => (i * 7) & 255);
    Deno.writeFileSync(`${dir}/big`, data);
    let steps = 0;
    const it = readBoundedSteps(`${dir}/big`, 8 * CHUNK_BYTES);
    for (let r = it.next();; r = it.next()) {
      if (r.done) {
        assert.deepEqual(r.value, data);
        break;
      }
      steps++;
    }
    assert.equal(steps, 6);
    assert.deepEqual(await runSliced(readBoundedSteps(`${dir}/big`, data.length)), data);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("readBoundedSync() reads while every file thread is busy", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/a`, "token");
    await using _pool = await busyFilePool(dir);
    assert.equal(
      await within(
        "readBoundedSync",
        Promise.resolve().then(() => readTextBoundedSync(`${dir}/a`, 99)),
      ),
      "token",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
