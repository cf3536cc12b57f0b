/** @module Number and time formats of the status page (pure). */

/**
 * Seconds as a short time: `840 µs`, `12.3 ms`, `1.20 s`; `–` for null or NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSeconds } from "./format.ts";
 * assert.equal(formatSeconds(0.0123), "12.3 ms");
 * assert.equal(formatSeconds(0.00084), "840 µs");
 * ```
 */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  const p = (v: number) =>
    String(+(v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)));
  if (s < 1e-3) return `${p(s * 1e6)} µs`;
  if (s < 1) return `${p(s * 1e3)} ms`;
  return `${p(s)} s`;
}

/** A span of milliseconds in words: `42s`, `5m 3s`, `2h 10m`, `3d 4h`. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const two = (a: number, ua: string, b: number, ub: string) =>
    b ? `${a}${ua} ${b}${ub}` : `${a}${ua}`;
  if (s < 3600) return two(Math.floor(s / 60), "m", s % 60, "s");
  if (s < 86400) return two(Math.floor(s / 3600), "h", Math.floor(s / 60) % 60, "m");
  return two(Math.floor(s / 86400), "d", Math.floor(s / 3600) % 24, "h");
}

/** How long ago `thenMs` was at `nowMs`: `12s ago`, `never` for null. */
export function formatAgo(thenMs: number | null, nowMs: number): string {
  if (thenMs === null) return "never";
  return Number.isFinite(thenMs) ? `${formatSpan(nowMs - thenMs)} ago` : "–";
}

/** Bytes with a binary unit: `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024, i++);
  return `${v.toFixed(1)} ${units[i]}`;
}

/** An integer with thousands separators: `10,000`. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A ratio 0..1 as a percentage: `0 %`, `2.5 %`, `100 %`; `–` for null. */
export function formatLoss(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "–";
  const p = ratio * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)} %`;
}

/** Unix ms as `2026-01-01 12:00:00.250` (UTC); `–` for a time that is not one. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? "–" : d.toISOString().replace("T", " ").slice(0, 23);
}
