import assert from "node:assert/strict";
import { tenantProblem } from "../../src/config/tenant_url.ts";
import { parseConfig } from "../../src/config/parse.ts";

const VM = "http://vminsert:8480";

Deno.test("tenantProblem() accepts single-node URLs and cluster tenants 42, 42:7 and multitenant", () => {
  for (
    const path of [
      "/api/v1/write",
      "/insert/0/prometheus/api/v1/write",
      "/insert/42:7/prometheus/api/v1/write",
      "/insert/4294967295:4294967295/prometheus/api/v1/write",
      "/insert/42/prometheus",
      "/insert/42/prometheus/",
      "/insert/multitenant/prometheus/api/v1/write",
    ]
  ) assert.equal(tenantProblem(VM + path, {}), undefined, path);
  assert.equal(
    tenantProblem(`${VM}/insert/multitenant/prometheus/api/v1/write`, {
      vm_account_id: "42",
      vm_project_id: "0",
    }),
    undefined,
  );
});

Deno.test("tenantProblem() rejects a bad tenant, an ID past uint32 and a wrong tail", () => {
  const msg = (t: string) =>
    `expected a VictoriaMetrics tenant after /insert/ like "42", "42:7" or "multitenant" (IDs 0-4294967295), got "${t}"`;
  for (const t of ["acme", "4294967296", "1:2:3", "-1", "01", "", "42:"]) {
    assert.deepEqual(tenantProblem(`${VM}/insert/${t}/prometheus/api/v1/write`, {}), {
      at: "url",
      message: msg(t),
    }, t);
  }
  assert.deepEqual(tenantProblem(`${VM}/insert/42/api/v1/write`, {}), {
    at: "url",
    message: 'expected /insert/42/prometheus/api/v1/write, got "/insert/42/api/v1/write"',
  });
  assert.deepEqual(
    tenantProblem(`${VM}/insert/multitenant/prometheus/api/v1/write`, { vm_project_id: "x" }),
    { at: "vm_project_id", message: 'expected a tenant ID 0-4294967295, got "x"' },
  );
});

Deno.test("parseConfig() reports a bad tenant at push.url and a bad tenant label at its value", () => {
  const fail = (push: string) => {
    try {
      parseConfig(`probes: {x: {type: tcp}}\npush:\n${push}`, "c.yaml");
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  assert.equal(
    fail(`  url: ${VM}/insert/acme/prometheus/api/v1/write\n`),
    `c.yaml:3:8: push.url: expected a VictoriaMetrics tenant after /insert/ like "42", "42:7" or "multitenant" (IDs 0-4294967295), got "acme"`,
  );
  assert.equal(
    fail(
      `  url: ${VM}/insert/multitenant/prometheus/api/v1/write\n  extra_labels: {vm_account_id: 1.5}\n`,
    ),
    'c.yaml:4:33: push.extra_labels.vm_account_id: expected a tenant ID 0-4294967295, got "1.5"',
  );
});

Deno.test("tenantProblem() leaves a URL that does not parse to the url field's own check", () => {
  assert.equal(tenantProblem("http://user:pw@127..1:8428/insert/x/prometheus", {}), undefined);
  assert.equal(tenantProblem("not a url", {}), undefined);
});
