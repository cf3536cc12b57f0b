/**
 * @module One job's page: its summary, the smokeping-style chart of the history window and the
 * last results with their reasons. Three parts (`summary`, `history`, `results`) refresh alone.
 */
import type { HistoryPoint, RecentResult } from "../../results/recent_ring.ts";
import type { TargetRow } from "./target_rows.ts";
import { ChartLegend, HistoryChart } from "./history_chart.tsx";
import { formatAgo, formatLoss, formatSeconds, formatSpan, formatTime } from "./format.ts";
import { Chips } from "./layout.tsx";

/** What the target page shows. */
export interface TargetViewModel {
  row: TargetRow;
  points: HistoryPoint[];
  recent: RecentResult[];
  loss: number | null;
  nowMs: number;
  windowMs: number;
  stepMs: number;
}

/** The `summary` part. */
export function TargetSummary(p: { m: TargetViewModel }) {
  const { row, nowMs } = p.m, last = row.last;
  return (
    <div class="cards">
      <section
        class={`card ${row.status === "up" ? "ok" : row.status === "down" ? "error" : "off"}`}
      >
        <h3>
          Status<span
            class={`lvl ${row.status === "up" ? "ok" : row.status === "down" ? "error" : "off"}`}
          >
            {row.status}
          </span>
        </h3>
        <div class="v">
          <span class={`st ${row.status}`}>{row.status}</span>
        </div>
        <dl>
          <dt>last run</dt>
          <dd>{last ? formatAgo(last.timestampMs, nowMs) : "not yet"}</dd>
          <dt>duration</dt>
          <dd>{formatSeconds(last?.durationSeconds)}</dd>
          {last?.reason
            ? (
              <>
                <dt>reason</dt>
                <dd class="reason">{last.reason}</dd>
              </>
            )
            : null}
          {last?.detail
            ? (
              <>
                <dt>detail</dt>
                <dd>{last.detail}</dd>
              </>
            )
            : null}
        </dl>
      </section>
      <section class="card off">
        <h3>Last {formatSpan(p.m.windowMs)}</h3>
        <div class="v">{formatLoss(p.m.loss)} loss</div>
        <dl>
          <dt>points</dt>
          <dd>{p.m.points.length} of {Math.ceil(p.m.windowMs / p.m.stepMs)}</dd>
          <dt>step</dt>
          <dd>{formatSpan(p.m.stepMs)}</dd>
          {last?.icmp
            ? (
              <>
                <dt>last RTT</dt>
                <dd>
                  {formatSeconds(last.icmp.minSeconds)} / {formatSeconds(last.icmp.medianSeconds)} /
                  {" "}
                  {formatSeconds(last.icmp.maxSeconds)} (min/med/max)
                </dd>
              </>
            )
            : null}
        </dl>
      </section>
      <section class="card off">
        <h3>Job</h3>
        <div class="v">
          {row.probe} {row.type !== row.probe ? <span class="mute">{row.type}</span> : null}
        </div>
        <dl>
          <dt>sources</dt>
          <dd>{row.sources.join(", ") || "–"}</dd>
          <dt>labels</dt>
          <dd>
            <Chips labels={row.labels} />
          </dd>
        </dl>
      </section>
    </div>
  );
}

/** The `history` part: the chart and its legend. */
export function TargetHistory(p: { m: TargetViewModel }) {
  return (
    <div class="chart">
      <HistoryChart
        points={p.m.points}
        nowMs={p.m.nowMs}
        windowMs={p.m.windowMs}
        stepMs={p.m.stepMs}
      />
      <ChartLegend />
    </div>
  );
}

/** The `results` part: the last results, newest first. */
export function TargetResults(p: { m: TargetViewModel }) {
  return (
    <table id="results-table" data-rows={String(p.m.recent.length)}>
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Result</th>
          <th class="n">Duration</th>
          <th class="n">RTT (median)</th>
          <th class="n">Loss</th>
          <th class="n">Age</th>
        </tr>
      </thead>
      <tbody>
        {p.m.recent.length === 0
          ? (
            <tr>
              <td colspan={6} class="mute">No result yet.</td>
            </tr>
          )
          : p.m.recent.map((r) => (
            <tr data-result={r.reason ?? "success"}>
              <td>{formatTime(r.timeMs)}</td>
              <td>
                {r.reason
                  ? <span class="st down">{r.reason}</span>
                  : <span class="st up">success</span>}
              </td>
              <td class="n">{formatSeconds(r.durationSeconds)}</td>
              <td class="n">{formatSeconds(r.rttSeconds)}</td>
              <td class="n">{formatLoss(r.loss)}</td>
              <td class="n mute">{formatAgo(r.timeMs, p.m.nowMs)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
