/**
 * @module Agent configs of the big-load tests and benchmarks: one TCP probe, every target on a
 * 1 h interval by default (the load is the list, not the probing), from a long `static:` group
 * or from one `http_sd` source, the WAL in `dir`.
 */
import { staticGroupYaml } from "./static_group_yaml.ts";

/** The probe's port (a closed one: refusals are cheap), interval and timeout. */
export interface BigLoadProbe {
  /** The `tcp` probe's port; without one each target carries its own. */
  port?: number;
  /** Default `1h`. */
  interval?: string;
  /** Default `100ms`. */
  timeout?: string;
}

function head(probe: BigLoadProbe): string {
  return `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: ${probe.interval ?? "1h"}, timeout: ${probe.timeout ?? "100ms"}}
probes:
  tcp: {type: tcp${probe.port === undefined ? "" : `, port: ${probe.port}`}}
targets:
`;
}

/** `targets` in one static group named `inventory`. */
export function bigStaticConfig(
  dir: string,
  targets: readonly string[],
  probe: BigLoadProbe = {},
): string {
  return `${head(probe)}${staticGroupYaml("inventory", targets)}
wal: {dir: ${dir}/wal}
`;
}

/** The `http_sd` source's fetch timeout and bounds. */
export interface BigSdLimits {
  timeout: string;
  maxBytes: string;
  maxTargets: number;
}

/** One `http_sd` source named `cmdb` on `url`, refreshed every 1 h, with `limits`. */
export function bigHttpSdConfig(
  dir: string,
  url: string,
  options: BigLoadProbe & BigSdLimits,
): string {
  return `${head(options)}  - name: cmdb
    http: {url: "${url}", refresh: 1h, timeout: ${options.timeout}, max_bytes: ${options.maxBytes}, max_targets: ${options.maxTargets}}
    probes: [tcp]
wal: {dir: ${dir}/wal}
`;
}
