import assert from "node:assert/strict";
import {
  DEFAULT_QUERY,
  parseTableQuery,
  tableSearch,
} from "../../../src/http/status/table_query.ts";

const parse = (s: string) => parseTableQuery(new URLSearchParams(s));

Deno.test("parseTableQuery() reads every field", () => {
  assert.deepEqual(parse("q=+db++fra+&status=down&sort=loss&order=desc&page=3&per=50"), {
    q: "db++fra".replace("++", "  "),
    status: "down",
    sort: "loss",
    desc: true,
    page: 3,
    per: 50,
  });
});

Deno.test("parseTableQuery() falls back to defaults on garbage and clamps numbers", () => {
  assert.deepEqual(parse("status=DOWN&sort=__proto__&order=up&page=-1&per=1e3"), DEFAULT_QUERY);
  assert.equal(parse("per=5000").per, 1000);
  assert.equal(parse("per=0").per, 1);
  assert.equal(parse("page=0").page, 1);
  assert.equal(parse("page=99999999999").page, 1);
  assert.equal(parse(`q=${"a".repeat(300)}`).q.length, 200);
});

Deno.test("tableSearch() leaves defaults out and round-trips through parseTableQuery()", () => {
  assert.equal(tableSearch(DEFAULT_QUERY), "?");
  const q = {
    q: "a&b=c",
    status: "up" as const,
    sort: "target" as const,
    desc: true,
    page: 2,
    per: 10,
  };
  const s = tableSearch(q);
  assert.equal(s, "?q=a%26b%3Dc&status=up&sort=target&order=desc&page=2&per=10");
  assert.deepEqual(parse(s.slice(1)), q);
  assert.equal(
    tableSearch(q, { page: 1, status: "all" }),
    "?q=a%26b%3Dc&sort=target&order=desc&per=10",
  );
});
