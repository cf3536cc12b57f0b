/** @module A bounded worker pool: at most `concurrency` tasks run, at most `maxQueue` wait. */

/** A task the pool runs; it must not reject (the pool logs nothing). */
export type Task = () => Promise<void>;

/** The pool's face. */
export interface WorkerPool {
  /** Runs or queues the task; false when the queue is full (the caller counts the skip). */
  submit(task: Task): boolean;
  readonly inFlight: number;
  readonly queued: number;
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
  /** Changes the bounds (reload); running tasks are not interrupted. */
  resize(concurrency: number, maxQueue: number): void;
}

/** Creates a pool. Queue is FIFO, so the oldest due job runs first. */
export function createWorkerPool(options: { concurrency: number; maxQueue: number }): WorkerPool {
  let { concurrency, maxQueue } = options;
  let running = 0;
  const queue: Task[] = [];
  let head = 0;
  let idleWaiters: (() => void)[] = [];

  const start = (task: Task) => {
    running++;
    task().catch(() => {}).finally(() => {
      running--;
      pump();
    });
  };
  const pump = () => {
    while (running < concurrency && head < queue.length) {
      const t = queue[head]!;
      queue[head++] = undefined as unknown as Task;
      start(t);
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    if (running === 0 && head >= queue.length) {
      const w = idleWaiters;
      idleWaiters = [];
      w.forEach((f) => f());
    }
  };
  return {
    submit(task) {
      if (running < concurrency) {
        start(task);
        return true;
      }
      if (queue.length - head >= maxQueue) return false;
      queue.push(task);
      return true;
    },
    get inFlight() {
      return running;
    },
    get queued() {
      return queue.length - head;
    },
    idle() {
      if (running === 0 && head >= queue.length) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    resize(c, q) {
      concurrency = c;
      maxQueue = q;
      pump();
    },
  };
}
