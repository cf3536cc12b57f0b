/**
 * @module The config shapes of `type: http` and `type: dns` probe modules (blackbox_exporter's
 * options) and of the agent's `dns` section. Regexes here run on peer data, so they are checked
 * as RE2 expressions (the engine that runs them).
 */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { duration, int, port, size, text } from "./field_types.ts";
import { peerRegexProblem } from "../base/peer_regex.ts";
import { parseDnsServer } from "../net/dns/dns_server.ts";
import { QUERY_TYPES } from "../net/dns/types.ts";

/** An RE2 regular expression (checked by the engine that runs it on peer data). */
export const re2 = z.string().check(z.superRefine((s, ctx) => {
  const why = peerRegexProblem(s);
  if (why) {
    ctx.addIssue({
      code: "custom",
      message: `expected an RE2 regular expression, got ${shown(s)} (${why})`,
    });
  }
}));
const re2List = () => optional(z.array(re2).check(z.maxLength(100)));

/** A name server: an IP address with an optional port. */
export const dnsServer = z.string().check(z.superRefine((s, ctx) => {
  try {
    parseDnsServer(s);
  } catch (e) {
    ctx.addIssue({
      code: "custom",
      message: `expected a name server like "10.0.0.2" or "[::1]:5353", got ${shown(s)} (${
        (e as Error).cause ?? (e as Error).message
      })`,
    });
  }
}));

const headerMatch = z.strictObject({
  header: text(),
  regexp: re2,
  allow_missing: optional(z.boolean()),
});

/** `type: http` (the common keys come from the caller). */
export const httpProbe = <C extends z.core.$ZodLooseShape>(common: C) =>
  z.strictObject({
    type: z.literal("http"),
    ...common,
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

const rrValidator = optional(z.strictObject({
  fail_if_matches_regexp: re2List(),
  fail_if_all_match_regexp: re2List(),
  fail_if_not_matches_regexp: re2List(),
  fail_if_none_matches_regexp: re2List(),
}));

/** Response codes `valid_rcodes` may name. */
export const RCODES = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
] as const;

/** `type: dns`. */
export const dnsProbe = <C extends z.core.$ZodLooseShape>(common: C) =>
  z.strictObject({
    type: z.literal("dns"),
    ...common,
    port: optional(port),
    query_name: optional(
      z.string().check(z.regex(/^[a-zA-Z0-9_.*-]{1,253}$/, {
        error: (i) => `expected a DNS name like "example.com", got ${shown(i.input)}`,
      })),
    ),
    query_type: optional(z.enum(QUERY_TYPES)),
    transport: optional(z.enum(["udp", "tcp"])),
    recursion_desired: optional(z.boolean()),
    dnssec_ok: optional(z.boolean()),
    valid_rcodes: optional(z.array(z.enum(RCODES)).check(z.minLength(1))),
    validate_answer_rrs: rrValidator,
    validate_authority_rrs: rrValidator,
    validate_additional_rrs: rrValidator,
  });

/** The agent's `dns` section: how target names are resolved. */
export const dnsSection = z.strictObject({
  servers: optional(z.array(dnsServer).check(z.minLength(1), z.maxLength(3))),
  min_ttl: optional(duration()),
  max_ttl: optional(duration()),
  negative_ttl: optional(duration()),
  resolv_conf: optional(text()),
  hosts_file: optional(text()),
});
