/** @module Help texts of the CLI. */

/** Top-level usage. */
export const MAIN_HELP =
  `vmprober — network-probing agent (TCP/UDP/ICMP) with Prometheus metrics and WAL push

Usage:
  vmprober [run] [--config PATH]            run the agent (the default command)
  vmprober check-config [--config PATH]     validate the config; exit 0 with a summary, 1 with errors
  vmprober probe tcp|udp|icmp|http|dns|path TARGET [opts] one-shot probe, human output or --json
  vmprober wal inspect [--dir DIR] [--json] WAL segments, records, samples, pending, corrupt
  vmprober import-blackbox FILE             print the probes: section for a blackbox.yml
  vmprober version                          print version and commit

Config path: --config, else $VMPROBER_CONFIG, else /etc/vmprober/vmprober.yaml if it exists,
else config/vmprober.yaml.
Exit codes: 0 ok, 1 bad config or usage, 2 runtime failure.
Run "vmprober COMMAND --help" for a command's options.`;

/** `run --help`. */
export const RUN_HELP = `Usage: vmprober run [--config PATH] [--web.config.file PATH]

Runs the agent: probes the configured targets, serves /metrics, /probe, /healthz, /readyz,
/api/v1/targets, /api/v1/status and POST /-/reload on agent.listen, writes every result to the
WAL and pushes it to push.url when set. SIGHUP reloads the config; SIGTERM/SIGINT stop gracefully.

--web.config.file (or agent.web_config_file) names a web config in the Prometheus exporter-toolkit
format: tls_server_config (cert_file, key_file) and basic_auth_users (user: bcrypt hash).`;

/** `check-config --help`. */
export const CHECK_HELP =
  `Usage: vmprober check-config [--config PATH] [--web.config.file PATH] [--json]

Validates the config file (and the web config it or --web.config.file names). Prints a summary (probe modules, sources, static targets, jobs) and
exits 0, or prints every problem as FILE:LINE:COL: KEY: MESSAGE to stderr and exits 1.
With --json, stdout gets one JSON object: the summary with "ok": true, or
{"ok": false, "config": PATH, "errors": [{line, col, path, message}, ...]}.`;

/** `probe --help`. */
export const PROBE_HELP = `Usage: vmprober probe tcp|udp|icmp|http|dns|path TARGET [options]

Runs one probe now and prints the result.
  --port N          port (tcp/udp) when TARGET has none
  --timeout D       timeout, e.g. 2s (default 5s)
  --send TEXT       tcp: text to send after connecting
  --expect REGEX    tcp/udp: regex the first reply bytes must match
  --payload TEXT    udp: payload text
  --payload-hex HEX udp: payload bytes as hex
  --count N         icmp: echo requests (default 3); path: packets per hop (default 10)
  --interval D      icmp: spacing of echo requests (default 200ms); path: of rounds (100ms)
  --size N          icmp, path: payload bytes
  --max-hops N      path: TTLs probed, 1..N (default 30); prints an mtr-like table of the hops
  --protocol P      path: icmp (default), udp (to --port N + sequence, default 33434) or tcp
                    (SYNs to --port N, default 80)
  --helper H        icmp: auto|socket|ping
  --method M        http: request method (default GET)
  --header "N: V"   http: a request header (repeatable)
  --body TEXT       http: request body
  --status LIST     http: valid status codes, e.g. 200,301 (default 2xx)
  --no-follow       http: do not follow redirects
  --ca-file PATH    http: CA certificates for https
  --server-name N   http: TLS server name
  --insecure        http: skip certificate verification
  --name NAME       dns: the name to ask the TARGET server for
  --type T          dns: A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA, ANY (default A)
  --tcp             dns: ask over TCP
  --dnssec          dns: set the EDNS0 DO bit
  --dns-server S    resolve names through this server (IP[:port])
  --ip4 / --ip6     address family for names
  --json            print the result as JSON
Exit code 0 when the probe succeeded, 2 when it failed, 1 on usage errors.`;

/** `import-blackbox --help`. */
export const IMPORT_BLACKBOX_HELP = `Usage: vmprober import-blackbox FILE

Reads a blackbox_exporter config (blackbox.yml) and prints the equivalent probes: section of a
VMProber config on stdout. tcp and icmp modules are translated; every option without an
equivalent yet gets a comment saying so; http, dns and grpc modules are listed as not yet
supported. Exit 0 when the file was read, 1 with FILE:LINE:COL: KEY: MESSAGE on a bad file.`;
