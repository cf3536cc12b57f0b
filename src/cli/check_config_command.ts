/** @module `vmprober check-config`: validate and summarize, exit 0 or 1. */
import { pushDestinations } from "../config/push_schema.ts";
import { loadConfig } from "../config/load.ts";
import { locateConfig } from "../config/locate.ts";
import { walSettings } from "../config/wal_schema.ts";
import { ConfigError } from "../config/config_error.ts";
import { CHECK_HELP } from "./help.ts";
import { err, out, parseFlags } from "./args.ts";
import { loadWebConfig } from "../http/web_config.ts";
import { dirname, resolvePath } from "../base/paths.ts";
import { owners } from "../schedule/rendezvous.ts";

/** Runs the command; returns the exit code. */
export async function checkConfigCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: "string", short: "c" },
    json: { type: "boolean" },
    "web.config.file": { type: "string" },
  });
  if (values.help) return (out(CHECK_HELP), 0);
  const path = locateConfig(values.config);
  try {
    const config = await loadConfig(path);
    const webFile = values["web.config.file"] ??
      (config.agent.web_config_file && resolvePath(dirname(path), config.agent.web_config_file));
    if (webFile) await loadWebConfig(webFile);
    const kinds: Record<string, number> = {};
    let staticTargets = 0;
    let staticJobs = 0;
    for (const t of config.targets) {
      for (const k of ["static", "file", "http", "command"] as const) {
        if (t[k]) kinds[k] = (kinds[k] ?? 0) + 1;
      }
      staticTargets += t.static?.targets.length ?? 0;
      staticJobs += (t.static?.targets.length ?? 0) * t.probes.length;
    }
    const summary = {
      ok: true,
      config: path,
      probes: Object.keys(config.probes).length,
      probe_modules: Object.fromEntries(Object.entries(config.probes).map(([n, p]) => [n, p.type])),
      sources: config.targets.length,
      source_kinds: kinds,
      static_targets: staticTargets,
      static_jobs: staticJobs,
      listen: config.agent.listen,
      web_config: webFile ?? null,
      wal_dir: walSettings(config)?.dir ?? null,
      // One URL as before; several joined by ", " (each as origin + path: no userinfo).
      push: pushDestinations(config.push).map((d) =>
        new URL(d.url).origin + new URL(d.url).pathname
      ).join(", ") || null,
      ...(config.cluster ? { cluster: clusterSummary(config) } : {}),
    };
    if (values.json) out(JSON.stringify(summary));
    else {
      out(`${path}: OK`);
      out(
        `  probe modules: ${summary.probes} (${
          Object.entries(summary.probe_modules).map(([n, t]) => `${n}: ${t}`).join(", ")
        })`,
      );
      out(
        `  target sources: ${summary.sources}${
          summary.sources
            ? ` (${Object.entries(kinds).map(([k, n]) => `${k}: ${n}`).join(", ")})`
            : ""
        }`,
      );
      out(`  static targets: ${staticTargets}, static jobs: ${staticJobs}`);
      out(`  listen: ${summary.listen}`);
      out(
        `  wal: ${summary.wal_dir ?? "off (no push: and no wal: section)"}; push: ${
          summary.push ?? "off (pull only)"
        }`,
      );
      const c = summary.cluster;
      if (c) {
        out(
          `  cluster: member ${c.member} of ${c.members}, replication ${c.replication}; ` +
            `owns ${c.static_targets_owned} of ${c.static_targets} static targets`,
        );
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      if (values.json) out(JSON.stringify({ ok: false, config: e.file, errors: e.problems }));
      return 1;
    }
    throw e;
  }
}

/** This member's share of the static targets (other sources are known only at run time). */
function clusterSummary(config: Awaited<ReturnType<typeof loadConfig>>) {
  const c = config.cluster!;
  const addresses = new Set(config.targets.flatMap((t) => t.static?.targets ?? []));
  let owned = 0;
  for (const a of addresses) if (owners(a, c.members, c.replication).includes(c.member)) owned++;
  return { ...c, static_targets: addresses.size, static_targets_owned: owned };
}
