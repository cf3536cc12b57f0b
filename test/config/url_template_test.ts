import assert from "node:assert/strict";
import { expandTemplate, templateProblem } from "../../src/config/url_template.ts";

Deno.test("templateProblem() accepts ${hostname} and ${label:NAME} of an agent label", () => {
  assert.equal(
    templateProblem("http://sd/${hostname}/${label:site}?r=${label:rack}", {
      site: "a",
      rack: "1",
    }),
    undefined,
  );
  assert.equal(templateProblem("http://sd/plain?a=$b&c={d}", {}), undefined);
});

Deno.test("templateProblem() names an unknown placeholder, an unknown label and an unclosed one", () => {
  assert.equal(
    templateProblem("http://sd/${host}", {}),
    "unknown placeholder ${host}: expected ${hostname} or ${label:NAME}",
  );
  assert.equal(
    templateProblem("http://sd/${label:region}", { site: "a" }),
    'unknown label "region" in placeholder ${label:region}: expected one of agent.labels (site)',
  );
  assert.equal(
    templateProblem("http://sd/${label:x}", {}),
    'unknown label "x" in placeholder ${label:x}: expected one of agent.labels (none set)',
  );
  assert.equal(
    templateProblem("http://sd/${hostname}/${label", {}),
    "expected a closing } for the placeholder at character 23",
  );
  assert.equal(
    templateProblem("http://sd/${}", {}),
    "unknown placeholder ${}: expected ${hostname} or ${label:NAME}",
  );
});

Deno.test("expandTemplate() URL-encodes values, including /, ?, & and non-ASCII", () => {
  assert.equal(
    expandTemplate("http://sd/t/${hostname}/x?site=${label:site}&h=${hostname}", {
      hostname: "édge-1",
      labels: { site: "a/b?c&d=e f" },
    }),
    "http://sd/t/%C3%A9dge-1/x?site=a%2Fb%3Fc%26d%3De%20f&h=%C3%A9dge-1",
  );
});

Deno.test("expandTemplate() throws on a placeholder templateProblem() would reject", () => {
  assert.throws(() => expandTemplate("http://sd/${nope}", { hostname: "h", labels: {} }), {
    name: "RangeError",
    message: "Cannot expand ${nope}: unknown placeholder",
  });
});

Deno.test("templateProblem() and expandTemplate() agree on 5,000 random templates (fixed seed)", () => {
  let seed = 0x5eed;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const parts = ["${", "}", "hostname", "label:", "site", "x", "$", "{", "/", "%", "label:site"];
  const labels = { site: "a b/c" };
  for (let i = 0; i < 5000; i++) {
    let url = "http://sd/";
    for (let j = rand(8); j >= 0; j--) url += parts[rand(parts.length)];
    const problem = templateProblem(url, labels);
    if (problem === undefined) {
      const out = expandTemplate(url, { hostname: "h", labels });
      assert.ok(!/\$\{(hostname|label:site)\}/.test(out), `${url} → ${out}`);
    } else if (!problem.startsWith("expected a closing")) {
      assert.throws(() => expandTemplate(url, { hostname: "h", labels }), RangeError, url);
    }
  }
});
