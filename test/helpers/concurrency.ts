/**
 * Running a test file's independent cases side by side, a few at a time: child processes and clients that mostly
 * wait (for a broker, a timeout, a rebalance) overlap their waits instead of adding them up.
 */

/** Runs a task when one of the limiter's places is free. */
export type Slot = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `limit` tasks at once (child processes and clients compete for the same 2 cores as the brokers). */
export function limiter(limit: number): Slot {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** A slot with no limit. */
export const unlimited: Slot = (task) => task();

/**
 * Tasks that may overlap (`shared`) and tasks that must run alone (`exclusive`). An exclusive task waits for the
 * shared ones running to end, and shared tasks that come while it waits or runs start after it.
 */
export class SharedExclusive {
  private sharedRunning = 0;
  private exclusiveActive = false;
  private readonly exclusiveWaiting: (() => void)[] = [];
  private sharedWaiting: (() => void)[] = [];
  private drained: (() => void) | null = null;

  readonly shared: Slot = async (task) => {
    if (this.exclusiveActive || this.exclusiveWaiting.length > 0)
      await new Promise<void>((resolve) => this.sharedWaiting.push(resolve));
    this.sharedRunning += 1;
    try {
      return await task();
    } finally {
      this.sharedRunning -= 1;
      if (this.sharedRunning === 0) this.drained?.();
    }
  };

  readonly exclusive: Slot = async (task) => {
    if (this.exclusiveActive) await new Promise<void>((resolve) => this.exclusiveWaiting.push(resolve));
    this.exclusiveActive = true;
    if (this.sharedRunning > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = null;
    try {
      return await task();
    } finally {
      const next = this.exclusiveWaiting.shift();
      if (next) {
        next();
      } else {
        this.exclusiveActive = false;
        const released = this.sharedWaiting;
        this.sharedWaiting = [];
        for (const resume of released) resume();
      }
    }
  };
}

/**
 * The cases of a describe(), started together (typically in its `before`) and awaited one by one, each by its own
 * `it`: test counts and per-case reporting stay as they were, and a case that rejects fails its own `it` only.
 * `settled()` (for the `after` hook, before the brokers stop) waits for every case, whatever its outcome.
 */
export class ConcurrentCases<T> {
  private readonly runs = new Map<string, Promise<T>>();

  constructor(private readonly slot: Slot = unlimited) {}

  /** Starts case `name`, once the cases named in `after` have ended (whatever their outcome: each `it` reports its own). */
  start(name: string, run: () => Promise<T>, after: readonly string[] = []): void {
    if (this.runs.has(name)) throw new Error(`case "${name}" started twice`);
    const before = Promise.allSettled(after.map((other) => this.result(other)));
    const promise = before.then(() => this.slot(run));
    // Reported by the case's own `it` (which awaits this promise), not as an unhandled rejection meanwhile.
    promise.catch(() => undefined);
    this.runs.set(name, promise);
  }

  /** The outcome of case `name` (rejects as the case did; fails if the case was never started, e.g. a failed `before`). */
  result(name: string): Promise<T> {
    const run = this.runs.get(name);
    return run ?? Promise.reject(new Error(`case "${name}" was not started`));
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.runs.values());
  }
}
