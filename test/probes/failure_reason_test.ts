import assert from "node:assert/strict";
import { errnoReason, failureReason } from "../../src/probes/failure_reason.ts";

Deno.test("failureReason() sorts Deno's socket errors by the table", () => {
  const cases: [unknown, string][] = [
    [new Deno.errors.ConnectionRefused("x"), "refused"],
    [new Deno.errors.ConnectionReset("x"), "refused"],
    [new Deno.errors.TimedOut("x"), "timeout"],
    [new Deno.errors.AddrNotAvailable("x"), "unreachable"],
    [new Deno.errors.NetworkUnreachable("x"), "unreachable"],
    [new Deno.errors.ConnectionAborted("x"), "unreachable"],
    [new Deno.errors.NotFound("x"), "dns"],
    [new DOMException("late", "TimeoutError"), "timeout"],
    [new Error("No route to host (os error 113)"), "unreachable"],
    [new Error("something else"), "error"],
  ];
  assert.deepEqual(cases.map(([e]) => failureReason(e)), cases.map(([, r]) => r));
});

Deno.test("errnoReason() gives the same reasons for the errnos behind those errors", () => {
  assert.deepEqual([111, 104, 110, 99, 101, 103, 113, 1, 13].map(errnoReason), [
    "refused",
    "refused",
    "timeout",
    "unreachable",
    "unreachable",
    "unreachable",
    "unreachable",
    "error",
    "error",
  ]);
});
