/** @module Test helper: one plain successful TCP result record, for encoder-part tests. */
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";

/** A successful `ssh` probe of 127.0.0.1:22 with label `site="fra1"`, at time 0. */
export const TCP_RECORD: ResultRecord = {
  timestampMs: 0,
  target: "127.0.0.1:22",
  probe: "ssh",
  key: jobKey("ssh", "127.0.0.1:22"),
  type: "tcp",
  labels: { site: "fra1" },
  success: true,
  durationSeconds: 0,
  attempts: 1,
};
