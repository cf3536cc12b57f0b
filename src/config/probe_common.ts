/**
 * @module The keys every probe module takes whatever its `type` (each `*_schema.ts` of a probe
 * module spreads them after `type`); unset, they come from the `defaults` section.
 */
import { optional } from "zod/mini";
import { duration, int, ipProtocol, jobName, num } from "./field_types.ts";
import { dnsServer } from "./dns_server_field.ts";

/** `interval`, `timeout`, `retries`, `jitter`, `ip_protocol`, `job` and `dns_server`. */
export const probeCommon = {
  interval: optional(duration()),
  timeout: optional(duration()),
  retries: optional(int(0, 10)),
  jitter: optional(num(0, 1)),
  ip_protocol: optional(ipProtocol),
  /** The `job` label of this module's series (default: the module name). */
  job: optional(jobName()),
  dns_server: optional(dnsServer),
};
