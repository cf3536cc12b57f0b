/**
 * @module The config shapes of `type: dns` probe modules (blackbox_exporter's options) and of the
 * agent's `dns` section. Regexes here run on peer data, so they are checked as RE2 expressions.
 */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { duration, port, text } from "./field_types.ts";
import { QUERY_TYPES } from "../net/dns/types.ts";
import { dnsServer } from "./dns_server_field.ts";
import { probeCommon } from "./probe_common.ts";
import { re2List } from "./re2_field.ts";

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

/** `type: dns`: one query, its rcode and answer, authority and additional records checked. */
export const dnsProbe = z.strictObject({
  type: z.literal("dns"),
  ...probeCommon,
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
