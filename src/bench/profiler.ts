import * as fs from 'fs';
import * as path from 'path';
import { Session } from 'inspector';

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

/**
 * V8's sampling CPU profiler (what `node --cpu-prof` runs) over the timed part of each measurement only, so that
 * module loading, connecting and the warm-up stay out of the profile. One .cpuprofile per contender, workload and
 * repetition; `bench/cpuprofile-summary.ts` lists the functions with the most self time.
 */
export class MeasurementProfiler {
  private readonly session = new Session();
  private connected = false;

  constructor(
    private readonly directory: string,
    private readonly contender: string,
  ) {}

  async start(): Promise<void> {
    if (!this.connected) {
      this.session.connect();
      await post(this.session, 'Profiler.enable');
      this.connected = true;
    }
    await post(this.session, 'Profiler.start');
  }

  /** Stops the profiler and writes the profile; returns its path. */
  async stop(workload: string, repetition: number): Promise<string> {
    const { profile } = await post<{ profile: unknown }>(this.session, 'Profiler.stop');
    fs.mkdirSync(this.directory, { recursive: true });
    const file = path.join(
      this.directory,
      `${this.contender.replace(/[^a-z0-9]+/gi, '-')}.${workload}.${repetition}.cpuprofile`,
    );
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  }
}
