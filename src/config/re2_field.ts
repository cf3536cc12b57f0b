/**
 * @module The config field of a regular expression that runs on peer data (http and dns
 * modules): checked as an RE2 expression, the engine that runs it.
 */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { peerRegexProblem } from "../base/peer_regex.ts";

/** An RE2 regular expression (checked by the engine that runs it on peer data). */
export const re2 = z.string().check(z.superRefine((s, ctx) => {
  const why = peerRegexProblem(s);
  if (why) {
    ctx.addIssue({
      code: "custom",
      message: `expected an RE2 regular expression, got ${shown(s)} (${why})`,
    });
  }
}));

/** An optional list of at most 100 RE2 expressions. */
export const re2List = () => optional(z.array(re2).check(z.maxLength(100)));
