/** @module The agent config of the push-to-Prometheus tests: TCP probes every 100 ms, a WAL, a push URL. */

/** What differs between those tests. */
export interface TcpPushYamlOptions {
  /** `wal.fsync_interval` (records become readable to the pusher when written). */
  fsyncInterval: string;
  maxSamples: number;
  /** `push.timeout`. */
  timeout: string;
}

/**
 * A config probing `targets` with `tcp` every 100 ms (none: no `targets:` section), writing the
 * WAL in `walDir` with fsync `batch` and pushing to `pushUrl`.
 */
export function tcpPushYaml(
  pushUrl: string,
  walDir: string,
  targets: string[],
  options: TcpPushYamlOptions,
): string {
  const list = targets.map((t) => `"${t}"`).join(", ");
  const section = targets.length
    ? `targets:\n  - static: {targets: [${list}]}\n    probes: [tcp]`
    : "";
  return `
agent:
  listen: 127.0.0.1:0
  labels: {site: promtest}
  log: {level: info, format: json}
defaults: {interval: 100ms, timeout: 80ms}
probes:
  tcp: {type: tcp}
${section}
wal: {dir: ${walDir}, fsync: batch, fsync_interval: ${options.fsyncInterval}}
push:
  url: ${pushUrl}
  batch: {max_samples: ${options.maxSamples}}
  timeout: ${options.timeout}
  shutdown_timeout: 10s
`;
}
