/** @module A hard deadline for one probe attempt: the caller's signal or the timeout, first wins. */

/** Aborts at `timeoutMs` or when `signal` aborts; dispose it to clear the timer. */
export function deadline(signal: AbortSignal, timeoutMs: number): AbortSignal & Disposable {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("probe timed out", "TimeoutError")),
    timeoutMs,
  );
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return Object.assign(controller.signal, {
    [Symbol.dispose]() {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  });
}

/** Settles with `promise`, or rejects with the signal's reason when it aborts first. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
