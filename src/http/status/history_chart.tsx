/**
 * @module A smokeping-style SVG of one job's history: per bucket a grey min–max band and a
 * median stroke coloured by loss, a thin line through the medians, and a red column where
 * nothing came back. Each bucket is one `<g class="pt">`, so the points can be counted.
 */
import type { HistoryPoint } from "../../results/recent_ring.ts";
import { formatLoss, formatSeconds } from "./format.ts";

/** Loss colour steps, smokeping style: [upper bound of the loss ratio, colour, legend]. */
export const LOSS_COLOURS: [number, string, string][] = [
  [0, "#1a7f37", "0"],
  [0.05, "#0969da", "≤ 5 %"],
  [0.2, "#8250df", "≤ 20 %"],
  [0.9999, "#e16f24", "< 100 %"],
  [1, "#cf222e", "100 %"],
];

/** The colour of a loss ratio. */
export function lossColour(loss: number): string {
  for (const [top, colour] of LOSS_COLOURS) if (loss <= top) return colour;
  return LOSS_COLOURS[LOSS_COLOURS.length - 1]![1];
}

/** A round axis top at or above `max` and its tick step (1, 2 or 5 × 10^k, 4–5 ticks). */
export function niceAxis(max: number): { top: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1e-3, step: 2.5e-4 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

/** Spacings of the time axis' ticks, ms: the first that gives at most 8 ticks is used. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600]
  .map((s) => s * 1000);

const W = 900, H = 240, L = 58, R = 12, T = 12, B = 26;
const PW = W - L - R, PH = H - T - B;

/** Props of {@linkcode HistoryChart}. */
export interface HistoryChartProps {
  points: HistoryPoint[];
  nowMs: number;
  windowMs: number;
  stepMs: number;
}

/** The chart. The y axis tops at the largest max, but at most 3× the largest median. */
export function HistoryChart(p: HistoryChartProps) {
  const start = p.nowMs - p.windowMs;
  const withRtt = p.points.filter((q) => Number.isFinite(q.medianSeconds));
  const medMax = Math.max(0, ...withRtt.map((q) => q.medianSeconds));
  const hiMax = Math.max(0, ...withRtt.map((q) => q.maxSeconds));
  const axis = niceAxis(Math.min(hiMax, medMax * 3) || medMax);
  const x = (t: number) => L + ((t - start) / p.windowMs) * PW;
  const y = (s: number) => T + PH - (Math.min(s, axis.top) / axis.top) * PH;
  const bw = Math.max(1, (p.stepMs / p.windowMs) * PW);
  const yTicks: number[] = [];
  for (let v = 0; v <= axis.top + 1e-12; v += axis.step) yTicks.push(v);
  const xStep = TIME_STEPS.find((t) => p.windowMs / t <= 8) ?? p.windowMs;
  const xTicks: number[] = []; // offsets from the window's start, ending at "now"
  for (let ago = 0; ago <= p.windowMs; ago += xStep) xTicks.push(p.windowMs - ago);
  const trend = withRtt.map((q) =>
    `${(x(q.timeMs) + bw / 2).toFixed(1)},${y(q.medianSeconds).toFixed(1)}`
  );
  return (
    <svg
      class="history"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`RTT and loss, ${p.points.length} points`}
      data-points={String(p.points.length)}
    >
      {yTicks.map((v) => (
        <g>
          <line class="grid" x1={L} x2={W - R} y1={y(v)} y2={y(v)} />
          <text x={L - 6} y={y(v) + 4} text-anchor="end">{v === 0 ? "0" : formatSeconds(v)}</text>
        </g>
      ))}
      {xTicks.map((d) => (
        <text x={x(start + d)} y={H - 8} text-anchor="middle">
          {d === p.windowMs ? "now" : `−${spanLabel(p.windowMs - d)}`}
        </text>
      ))}
      <polyline class="trend" points={trend.join(" ")} />
      {p.points.map((q) => {
        const x0 = x(q.timeMs), colour = lossColour(q.loss);
        const tip = `${new Date(q.timeMs).toISOString().slice(11, 19)} UTC · median ${
          formatSeconds(q.medianSeconds)
        } · min ${formatSeconds(q.minSeconds)} · max ${formatSeconds(q.maxSeconds)} · loss ${
          formatLoss(q.loss)
        } · ${q.runs} run${q.runs === 1 ? "" : "s"}`;
        if (!Number.isFinite(q.medianSeconds)) {
          return (
            <g class="pt lost" data-loss={q.loss.toFixed(3)}>
              <title>{tip}</title>
              <rect x={x0} y={T} width={bw} height={PH} fill={colour} opacity="0.18" />
              <rect x={x0} y={T + PH - 5} width={bw} height={5} fill={colour} />
            </g>
          );
        }
        const top = y(q.maxSeconds), bottom = y(q.minSeconds);
        return (
          <g class="pt" data-loss={q.loss.toFixed(3)}>
            <title>{tip}</title>
            <rect class="band" x={x0} y={top} width={bw} height={Math.max(1, bottom - top)} />
            <line
              class="med"
              x1={x0}
              x2={x0 + bw}
              y1={y(q.medianSeconds)}
              y2={y(q.medianSeconds)}
              stroke={colour}
            />
          </g>
        );
      })}
      <line class="grid" x1={L} x2={L} y1={T} y2={T + PH} />
    </svg>
  );
}

function spanLabel(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The loss colour legend under the chart. */
export function ChartLegend() {
  return (
    <div class="legend">
      <span>
        <i style="background:#8c959f;height:10px;opacity:.5" />min–max
      </span>
      <span>median, by loss:</span>
      {LOSS_COLOURS.map(([, colour, text]) => (
        <span>
          <i style={`background:${colour}`} />
          {text}
        </span>
      ))}
    </div>
  );
}
