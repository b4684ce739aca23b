import * as fs from 'fs';

/** CPU time of each of this process's threads, in seconds, by thread; null where /proc is not there (not Linux). */
export type ThreadCpu = Map<string, number>;

const TASKS = '/proc/self/task';

/**
 * Reads every thread's run time from /proc (schedstat: nanoseconds on a CPU), keyed by thread id and name. The main
 * thread runs the client's JavaScript; the others are V8's (garbage collection, compilation) and libuv's pool.
 */
export function threadCpu(): ThreadCpu | null {
  let ids: string[];
  try {
    ids = fs.readdirSync(TASKS);
  } catch {
    return null;
  }
  const threads: ThreadCpu = new Map();
  for (const id of ids) {
    try {
      const ns = Number(fs.readFileSync(`${TASKS}/${id}/schedstat`, 'utf8').split(' ')[0]);
      const name = fs.readFileSync(`${TASKS}/${id}/comm`, 'utf8').trim();
      threads.set(`${id} ${name}`, ns / 1e9);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

/** CPU seconds since `start`, split into the main thread (id = pid) and all the others; null without /proc. */
export function threadCpuSince(start: ThreadCpu | null): { main: number; other: number } | null {
  const now = threadCpu();
  if (start === null || now === null) return null;
  let main = 0;
  let other = 0;
  for (const [thread, seconds] of now) {
    const used = seconds - (start.get(thread) ?? 0);
    if (thread.startsWith(`${process.pid} `)) main += used;
    else other += used;
  }
  return { main, other };
}
