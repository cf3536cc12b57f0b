/**
 * @module What {@linkcode pollGaps} polls `/healthz` during in the big-load tests: the agent's
 * first load (until `/readyz` answers 200) or a reload (until `POST /-/reload` answers).
 */
import { type PollGaps, pollGaps } from "./big_sd.ts";

/** Polls until `/readyz` of the agent at `url` answers 200. */
export function pollUntilReady(
  url: string,
  timeoutMs: number,
  cpu?: () => number,
): Promise<PollGaps> {
  return pollGaps(
    url,
    async () => {
      const ready = await fetch(`${url}/readyz`);
      await ready.body?.cancel();
      return ready.status === 200;
    },
    timeoutMs,
    cpu,
  );
}

/** A reload's answer and the `/healthz` gaps seen while waiting for it. */
export interface ReloadGaps {
  answer: { status: number; text: string };
  gaps: PollGaps;
}

/** Sends `POST /-/reload` to the agent at `url` and polls until it has answered. */
export async function pollDuringReload(
  url: string,
  timeoutMs: number,
  cpu?: () => number,
): Promise<ReloadGaps> {
  let answer: ReloadGaps["answer"] | undefined;
  const reload = fetch(`${url}/-/reload`, { method: "POST" })
    .then(async (r) => (answer = { status: r.status, text: await r.text() }));
  const gaps = await pollGaps(url, () => Promise.resolve(answer !== undefined), timeoutMs, cpu);
  await reload;
  return { answer: answer!, gaps };
}
