/** Runs the HTTP probe once on a URL with a module parsed by the config schema. */
import { createHttpProbe } from "../../../src/probes/http/http_probe.ts";
import { type ModuleOf, probeModule } from "../../../src/config/schema.ts";
import type { ProbeOutcome } from "../../../src/probes/types.ts";
import { httpTarget } from "../../../src/net/target_url.ts";

export async function runHttp(
  target: string,
  module: Record<string, unknown> = {},
  timeoutMs = 3000,
): Promise<ProbeOutcome> {
  const options = probeModule.parse({ type: "http", ...module }) as ModuleOf<"http">;
  const t = httpTarget(target);
  return await createHttpProbe().run({
    target,
    host: t.host,
    port: t.port,
    probe: "http",
    type: "http",
    timeoutMs,
    ipProtocol: "auto",
    options,
  }, new AbortController().signal);
}

/** A gauge's value by name (and phase). */
export const gauge = (o: ProbeOutcome, name: string, phase?: string) =>
  o.gauges?.find((g) => g.name === name && (!phase || g.labels?.[0]?.[1] === phase))?.value;
