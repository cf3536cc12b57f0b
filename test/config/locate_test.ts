import assert from "node:assert/strict";
import { DEFAULT_CONFIG, locateConfig, SYSTEM_CONFIG } from "../../src/config/locate.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];
const exists = (...paths: string[]) => (path: string) => paths.includes(path);

Deno.test("locateConfig() takes --config over everything else", () => {
  assert.equal(
    locateConfig("my.yaml", {
      env: env({ VMPROBER_CONFIG: "env.yaml" }),
      exists: exists(SYSTEM_CONFIG),
    }),
    "my.yaml",
  );
});

Deno.test("locateConfig() takes $VMPROBER_CONFIG over the system and default paths", () => {
  assert.equal(
    locateConfig(undefined, {
      env: env({ VMPROBER_CONFIG: "env.yaml" }),
      exists: exists(SYSTEM_CONFIG),
    }),
    "env.yaml",
  );
});

Deno.test("locateConfig() takes /etc/vmprober/vmprober.yaml when it exists", () => {
  assert.equal(SYSTEM_CONFIG, "/etc/vmprober/vmprober.yaml");
  assert.equal(
    locateConfig(undefined, { env: env({}), exists: exists(SYSTEM_CONFIG) }),
    SYSTEM_CONFIG,
  );
});

Deno.test("locateConfig() falls back to config/vmprober.yaml", () => {
  assert.equal(DEFAULT_CONFIG, "config/vmprober.yaml");
  assert.equal(locateConfig(undefined, { env: env({}), exists: exists() }), DEFAULT_CONFIG);
});

Deno.test("locateConfig() ignores an empty $VMPROBER_CONFIG", () => {
  assert.equal(
    locateConfig(undefined, { env: env({ VMPROBER_CONFIG: "" }), exists: exists() }),
    DEFAULT_CONFIG,
  );
});

Deno.test("locateConfig() asks about the system path only when nothing is given", () => {
  const asked: string[] = [];
  const spy = (path: string) => (asked.push(path), false);
  locateConfig("my.yaml", { env: env({}), exists: spy });
  locateConfig(undefined, { env: env({ VMPROBER_CONFIG: "e.yaml" }), exists: spy });
  assert.deepEqual(asked, []);
  locateConfig(undefined, { env: env({}), exists: spy });
  assert.deepEqual(asked, [SYSTEM_CONFIG]);
});
