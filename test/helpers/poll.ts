/**
 * Waiting in tests. Outcomes are polled with generous deadlines and never assumed after a fixed delay (the machine may
 * be loaded); `sleep` is for where time itself is the input (a timeout that must pass, a pause between sends).
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition` (which may be async) returns true, checking every `intervalMs`; rejects after `timeoutMs`
 * with "timed out after N ms waiting for <what>". An exception from the condition ends the wait at once.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
