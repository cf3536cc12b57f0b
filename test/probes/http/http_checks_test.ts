import assert from "node:assert/strict";
import { checkHeaders, type HeaderRule } from "../../../src/probes/http/http_checks.ts";
import type { ResponseHead } from "../../../src/probes/http/response_head.ts";
import { compilePeerRegex } from "../../../src/base/peer_regex.ts";

const head: ResponseHead = {
  version: "HTTP/1.1",
  status: 200,
  headers: [["server", "nginx"], ["x-cache", "miss"], ["x-cache", "hit"]],
};
const rule = (header: string, regexp: string, allowMissing = false): HeaderRule => ({
  header,
  regexp: compilePeerRegex(regexp),
  allowMissing,
});

Deno.test("checkHeaders() passes with no rules and when no rule fails", () => {
  assert.equal(checkHeaders(head, [], []), undefined);
  assert.equal(checkHeaders(head, [rule("Server", "apache")], [rule("X-Cache", "hit")]), undefined);
  assert.equal(
    checkHeaders(head, [rule("X-Nope", ".", true)], [rule("X-No", ".", true)]),
    undefined,
  );
});

Deno.test("checkHeaders() names the first failing rule, fail_if_header_matches first", () => {
  assert.equal(
    checkHeaders(head, [rule("Server", "ngi")], [rule("X-Cache", "never")]),
    "header Server matched /ngi/",
  );
  assert.equal(
    checkHeaders(head, [rule("X-Cache", "hit")], []),
    "header X-Cache matched /hit/",
    "any value matching fails",
  );
  assert.equal(
    checkHeaders(head, [], [rule("Server", "nginx"), rule("X-Cache", "stale")]),
    "header X-Cache did not match /stale/",
  );
});

Deno.test("checkHeaders() fails a missing header unless allow_missing, in either list", () => {
  assert.equal(checkHeaders(head, [rule("X-Nope", ".")], []), "header X-Nope is missing");
  assert.equal(checkHeaders(head, [], [rule("X-Nope", ".")]), "header X-Nope is missing");
});
