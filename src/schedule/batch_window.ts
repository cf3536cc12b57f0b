/** @module How early a due tick may fire: one wake-up serves every job due within its window. */

/**
 * A tick due within its job's batch window of a wake-up fires in it, so it may start that much
 * before its phase (results carry their real start time): one timer and one event-loop turn per
 * batch instead of per job. The window is 5 % of an interval of 200 ms or more, 1 % of a shorter
 * one, at most 500 ms; a window of more than 1 ms (the timer's granularity) serves only an idle
 * job: a tick whose previous run still goes (or waits for a worker) then fires on its time. Each
 * wake-up costs far more than one probe's own work on a busy host (the thread resumes on cold
 * caches): at 1,000 TCP targets every 1 s a 10 ms window (1 %) meant ~80 wake-ups/s of ~12 probes
 * and 95–115 µs of CPU per probe, 50 ms (5 %) ~30 wake-ups/s and 73–86 µs (same run, interleaved,
 * load ~7); every 10 s, 100 → 500 ms took the agent from 2.1 and 1.9 to 1.7 and 1.5 % of a core
 * (load ~2.5). At 200 HTTP targets every 200 ms a 2 ms window (1 %) fired ~2 probes per wake-up; 10
 * ms (5 %): 295 → 253 µs of CPU per probe, median of per-run ratios to blackbox_exporter 0.330 →
 * 0.282 (6 rounds each, bundles interleaved, load 5–17; blackbox_exporter starved, so the ratios
 * flatter us); at load 2–4 (2 rounds, blackbox_exporter cheaper) 244 and 229 → 228 and 221 µs,
 * ratios 0.33–0.35 → 0.34–0.36, so the 1/3 goal is met only on the loaded host. Below 200 ms the
 * rate fills each wake-up anyway: 5 % at 100 ms (5 ms) took 1,000 TCP listeners (10,000/s) from
 * 66.5 to 71.4 µs per probe (medians of 5, load 7–12; within the noise, but not lower), closed
 * ports 53.4 → 54.1 µs, so 1 ms stays. A 10 ms window there once skipped runs as overruns: a tick
 * fired early found its job's previous run not yet ended, though it would have by the tick's time;
 * the idle rule ends that. A 1 ms window goes without it: holding a busy job's tick costs a wake-up
 * of its own, and with the rule at 100 ms 1,000 listeners went 70.7 → 72.7 µs per probe (medians of
 * 5, load 9–12, agent starved; within the noise, but not lower). The cap was 10, 25, then 100 ms
 * before.
 */
export const BATCH_MS = 500;

/** The share of an interval of 200 ms or more a tick may fire early; 1 % below 200 ms. */
const LONG_SHARE = 0.05;

/** How early a tick of a job on `intervalMs` may fire (while its previous run is not in flight). */
export const batchWindow = (intervalMs: number): number =>
  Math.min(BATCH_MS, intervalMs * (intervalMs >= 200 ? LONG_SHARE : 0.01));
