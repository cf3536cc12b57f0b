import assert from "node:assert/strict";
import { basename, dirname, extname, join, normalize, resolvePath } from "../../src/base/paths.ts";

Deno.test("resolvePath() resolves relative paths against the config dir", () => {
  assert.equal(resolvePath("/etc/vmprober", "t/*.yml"), "/etc/vmprober/t/*.yml");
  assert.equal(resolvePath("/etc/vmprober", "../x.json"), "/etc/x.json");
  assert.equal(resolvePath("/etc/vmprober", "/srv/x.json"), "/srv/x.json");
  assert.equal(resolvePath("config", "./t.yml"), "config/t.yml");
});

Deno.test("normalize(), join(), basename(), dirname() and extname() follow POSIX", () => {
  assert.equal(normalize("/a//b/./c/.."), "/a/b");
  assert.equal(normalize("/.."), "/");
  assert.equal(join("/a", "b", "c.json"), "/a/b/c.json");
  assert.equal(basename("/a/b.json"), "b.json");
  assert.equal(dirname("/a/b.json"), "/a");
  assert.equal(dirname("/b.json"), "/");
  assert.equal(dirname("b.json"), ".");
  assert.equal(extname("/a/b.YAML"), ".YAML");
  assert.equal(extname("/a/.hidden"), "");
});
