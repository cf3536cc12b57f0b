import assert from "node:assert/strict";
import { expandGlob, globBase, segmentToRegExp } from "../../src/targets/glob.ts";

Deno.test("segmentToRegExp() matches *, ? and classes, not dot files", () => {
  const re = segmentToRegExp("t[0-9]?.y*ml");
  assert.equal(re.test("t1a.yaml"), true);
  assert.equal(re.test("t1a.yml"), true);
  assert.equal(re.test("tx1.yml"), false);
  assert.equal(segmentToRegExp("*.json").test(".x.json"), false);
  assert.equal(segmentToRegExp("[!a]*").test("b1"), true);
  assert.equal(segmentToRegExp("[!a]*").test("a1"), false);
  assert.equal(segmentToRegExp("a.b(c)").test("a.b(c)"), true);
  assert.equal(segmentToRegExp("a.b").test("axb"), false);
});

Deno.test("globBase() is the literal directory prefix", () => {
  assert.equal(globBase("/etc/vmprober/targets/*.yml"), "/etc/vmprober/targets");
  assert.equal(globBase("/etc/*/targets/a.yml"), "/etc");
  assert.equal(globBase("/etc/vmprober/a.yml"), "/etc/vmprober");
  assert.equal(globBase("/*.yml"), "/");
});

Deno.test("expandGlob() lists matching regular files, sorted, across directories", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/a`);
    await Deno.mkdir(`${dir}/b`);
    await Deno.mkdir(`${dir}/b/sub.json`);
    for (const f of ["a/2.json", "a/1.json", "a/x.yml", "b/3.json", "a/.h.json"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "[]");
    }
    assert.deepEqual(expandGlob(`${dir}/*/*.json`), [
      `${dir}/a/1.json`,
      `${dir}/a/2.json`,
      `${dir}/b/3.json`,
    ]);
    assert.deepEqual(expandGlob(`${dir}/a/x.yml`), [`${dir}/a/x.yml`]);
    assert.deepEqual(expandGlob(`${dir}/missing/*.json`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
