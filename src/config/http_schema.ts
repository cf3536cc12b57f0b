/**
 * @module The config shape of `type: http` probe modules (blackbox_exporter's options). Regexes
 * here run on peer data, so they are checked as RE2 expressions (the engine that runs them).
 */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { int, size, text } from "./field_types.ts";
import { probeCommon } from "./probe_common.ts";
import { re2, re2List } from "./re2_field.ts";

const headerMatch = z.strictObject({
  header: text(),
  regexp: re2,
  allow_missing: optional(z.boolean()),
});

/** `type: http`: one request, its status, version, headers and body checked. */
export const httpProbe = z.strictObject({
  type: z.literal("http"),
  ...probeCommon,
  method: optional(
    z.string().check(z.regex(/^[A-Z]{1,20}$/, {
      error: (i) => `expected an HTTP method like "GET", got ${shown(i.input)}`,
    })),
  ),
  headers: optional(z.record(
    z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, {
      error: (i) => `expected an HTTP header name, got ${shown(i.input)}`,
    })),
    z.string().check(z.regex(/^[^\r\n\0]{0,8192}$/, {
      error: (i) => `expected a header value without line breaks, got ${shown(i.input)}`,
    })),
  )),
  body: optional(z.string().check(z.maxLength(1024 * 1024))),
  valid_status_codes: optional(z.array(int(100, 599)).check(z.minLength(1))),
  valid_http_versions: optional(z.array(z.enum(["HTTP/1.0", "HTTP/1.1"])).check(z.minLength(1))),
  follow_redirects: optional(z.boolean()),
  fail_if_ssl: optional(z.boolean()),
  fail_if_not_ssl: optional(z.boolean()),
  fail_if_body_matches_regexp: re2List(),
  fail_if_body_not_matches_regexp: re2List(),
  fail_if_header_matches: optional(z.array(headerMatch).check(z.maxLength(100))),
  fail_if_header_not_matches: optional(z.array(headerMatch).check(z.maxLength(100))),
  body_size_limit: optional(size()),
  basic_auth: optional(z.strictObject({
    username: text(),
    password_file: optional(text()),
  })),
  bearer_token_file: optional(text()),
  tls: optional(z.strictObject({
    ca_file: optional(text()),
    server_name: optional(text()),
    insecure_skip_verify: optional(z.boolean()),
  })),
});
