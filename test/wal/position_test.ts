import assert from "node:assert/strict";
import {
  formatPosition,
  parsePosition,
  POSITION_FILE,
  readPosition,
  writePosition,
} from "../../src/wal/position.ts";

Deno.test("parsePosition() reads what formatPosition() writes", () => {
  for (const n of [0, 1, 4096, 2 ** 40 + 7]) assert.equal(parsePosition(formatPosition(n)), n);
});

Deno.test("parsePosition() rejects damage", () => {
  const good = formatPosition(123456);
  assert.equal(parsePosition(good.replace("3", "4")), null);
  assert.equal(parsePosition(""), null);
  assert.equal(parsePosition("garbage\n"), null);
  assert.equal(parsePosition("123456\n"), null);
});

Deno.test("writePosition() replaces the file atomically and readPosition() reads it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await readPosition(dir), { state: "missing" });
    await writePosition(dir, 77);
    await writePosition(dir, 99);
    assert.deepEqual(await readPosition(dir), { state: "ok", offset: 99 });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [POSITION_FILE]);
    await Deno.writeTextFile(`${dir}/${POSITION_FILE}`, "99 00000000\n");
    const r = await readPosition(dir);
    assert.equal(r.state, "corrupt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
