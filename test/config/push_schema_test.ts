import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { defaultDestinationName, pushDestinations } from "../../src/config/push_schema.ts";
import { PROBE, problems } from "../_support/config_problems.ts";

Deno.test("pushDestinations() reads a single mapping as one destination named by its URL", () => {
  const c = parseConfig(
    `${PROBE}push: {url: "http://u:p@vm:8428/api/v1/write", extra_labels: {dc: x}}\n`,
    "c.yaml",
  );
  const [d, ...rest] = pushDestinations(c.push);
  assert.equal(rest.length, 0);
  assert.equal(d?.name, "vm:8428/api/v1/write");
  assert.deepEqual(d?.extra_labels, { dc: "x" });
  assert.equal(d?.max_backoff, 5_000);
  assert.deepEqual(pushDestinations(undefined), []);
});

Deno.test("pushDestinations() reads a list, each entry with its own defaults and name", () => {
  const c = parseConfig(
    `${PROBE}push:\n  - {url: "https://vm-a/api/v1/write", name: primary, max_backoff: 1m}\n` +
      `  - url: "http://vminsert:8480/insert/42:7/prometheus/api/v1/write"\n`,
    "c.yaml",
  );
  const ds = pushDestinations(c.push);
  assert.deepEqual(ds.map((d) => [d.name, d.max_backoff, d.min_backoff]), [
    ["primary", 60_000, 30],
    ["vminsert:8480/insert/42:7/prometheus/api/v1/write", 5_000, 30],
  ]);
});

Deno.test("defaultDestinationName() fills in the port and drops userinfo, query and a trailing /", () => {
  assert.equal(defaultDestinationName("https://vm.example/"), "vm.example:443");
  assert.equal(defaultDestinationName("http://[::1]:8428/w?x=1#y"), "_::1_:8428/w");
  assert.equal(defaultDestinationName("not a url"), "not_a_url");
});

Deno.test("parseConfig() rejects two destinations of one name, at the second", () => {
  assert.deepEqual(
    problems(
      `${PROBE}push:\n  - {url: "http://a:8428/api/v1/write", name: x}\n` +
        `  - {url: "http://b:8428/api/v1/write", name: x}\n`,
    ),
    ['c.yaml:5:47: push.1.name: duplicate destination name "x" (also push[0]); give each a name: of its own'],
  );
  assert.deepEqual(
    problems(
      `${PROBE}push:\n  - url: http://a:8428/api/v1/write\n  - url: http://a:8428/api/v1/write/\n`,
    ),
    [
      'c.yaml:5:10: push.1.url: duplicate destination name "a:8428/api/v1/write" (also push[0]); give each a name: of its own',
    ],
  );
});

Deno.test("parseConfig() locates problems inside a push list like inside a mapping", () => {
  assert.deepEqual(
    problems(`${PROBE}push:\n  - url: http://a/w\n  - {url: http://b/w, tiemout: 1s}\n`),
    ['c.yaml:5:23: push.1.tiemout: unknown key "tiemout" (did you mean "timeout"?)'],
  );
  assert.deepEqual(problems(`${PROBE}push:\n  - {timeout: 1s}\n`), [
    "c.yaml:4:5: push.0.url: required key missing: expected an http:// or https:// URL",
  ]);
  assert.deepEqual(problems(`${PROBE}push: {timeout: 5s}\n`), [
    "c.yaml:3:1: push.url: required key missing: expected an http:// or https:// URL",
  ]);
  assert.deepEqual(problems(`${PROBE}push: "x"\n`), [
    'c.yaml:3:7: push: expected a list or a mapping, got "x"',
  ]);
  assert.deepEqual(problems(`${PROBE}push: []\n`), [
    "c.yaml:3:7: push: expected at least 1 item, got 0",
  ]);
  assert.deepEqual(problems(`${PROBE}push:\n  - {url: http://a/w, name: "a b"}\n`), [
    'c.yaml:4:29: push.0.name: expected 1-100 characters of A-Z a-z 0-9 _ . : / -, got "a b"',
  ]);
  assert.deepEqual(
    problems(
      `${PROBE}push:\n  - url: http://a/w\n  - url: "http://vminsert:8480/insert/acme/prometheus/api/v1/write"\n`,
    ),
    [
      'c.yaml:5:10: push.1.url: expected a VictoriaMetrics tenant after /insert/ like "42", "42:7" or "multitenant" (IDs 0-4294967295), got "acme"',
    ],
  );
  const many = Array.from({ length: 17 }, (_, i) => `  - {url: "http://vm${i}/w"}`).join("\n");
  assert.deepEqual(problems(`${PROBE}push:\n${many}\n`), [
    "c.yaml:4:3: push: expected at most 16 items, got 17",
  ]);
});
