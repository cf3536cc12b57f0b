/** @module Runs steps to the end as `runSync` does, counting their `yield`s (the slice bound tests). */
import type { Steps } from "../../src/base/slices.ts";

/** The result of `steps` and how many times they yielded on the way. */
export function countSteps<T>(steps: Steps<T>): { value: T; yields: number } {
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { value: r.value, yields };
    yields++;
  }
}
