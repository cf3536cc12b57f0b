/**
 * @module Polls an agent's /healthz from a separate process (curl), so the figures are the
 * agent's latency and not the test process's own event loop, busy with reading pages.
 */

/** What a watch saw: answers, the slowest in ms, and how many took over `limitMs` or failed. */
export interface HealthFigures {
  answers: number;
  worstMs: number;
  late: number;
}

/** A running watch; `stop()` ends it and resolves its figures. */
export interface HealthWatch {
  stop(): Promise<HealthFigures>;
}

/** Starts polling `url` + `/healthz` every `everyMs` with curl's `--max-time` of `limitMs`. */
export function watchHealth(url: string, everyMs = 100, limitMs = 2000): HealthWatch {
  let stopped = false;
  const figures: HealthFigures = { answers: 0, worstMs: 0, late: 0 };
  const loop = (async () => {
    while (!stopped) {
      const out = await new Deno.Command("curl", {
        args: [
          "-s",
          "-o",
          "/dev/null",
          "-w",
          "%{http_code} %{time_total}",
          "--max-time",
          String(limitMs / 1000),
          `${url}/healthz`,
        ],
        stdout: "piped",
        stderr: "null",
      }).output();
      const [code, seconds] = new TextDecoder().decode(out.stdout).split(" ");
      const ms = Number(seconds) * 1000;
      figures.worstMs = Math.max(figures.worstMs, ms);
      if (code === "200" && ms <= limitMs) figures.answers++;
      else figures.late++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return figures;
    },
  };
}
