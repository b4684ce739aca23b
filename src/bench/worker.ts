/**
 * Child-process entry: one contender, connected once and then driven one measurement at a time by the bench, which
 * interleaves contenders (A B A B ...). Each contender gets a process of its own so that its CPU time and peak RSS are
 * its own and no other client library or broker shares its event loop.
 */
import { contenderNamed } from './contenders';
import {
  openContender,
  type ContenderPlan,
  type ContenderRun,
  type ContenderSession,
  type Measurement,
} from './measure';
import type { Workload } from './plan';

export type WorkerRequest =
  | { type: 'open'; plan: ContenderPlan }
  | { type: 'measure'; workload: Workload; repetition: number }
  | { type: 'close' };
export type WorkerReply =
  | { type: 'progress'; line: string }
  | { type: 'opened' }
  | { type: 'measured'; measurement: Measurement }
  | { type: 'closed'; rssMiB: ContenderRun['rssMiB'] }
  | { type: 'failed'; error: string };

function reply(message: WorkerReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

if (require.main === module && process.send) {
  let session: ContenderSession | null = null;
  const handle = async (request: WorkerRequest): Promise<void> => {
    if (request.type === 'open') {
      const definition = contenderNamed(request.plan.contender);
      if (!definition) throw new Error(`unknown contender ${request.plan.contender}`);
      session = await openContender(definition, request.plan, (line) => void reply({ type: 'progress', line }));
      await reply({ type: 'opened' });
    } else if (request.type === 'measure') {
      await reply({ type: 'measured', measurement: await session!.measure(request.workload, request.repetition) });
    } else {
      const rssMiB = await session!.close();
      await reply({ type: 'closed', rssMiB });
      // Client libraries may keep sockets or timers alive after close.
      process.exit(0);
    }
  };
  // The bench died or let go (killed, or its output pipe closed): go at once rather than linger with connections to
  // a broker nobody measures. Not process.exit(): a librdkafka client whose broker is gone keeps its threads busy and
  // blocks the exit (seen with the confluent contenders, at 90 % CPU, forever). A run killed this way leaves its topics
  // (kna-bench-<run id>-...) on a --brokers cluster.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.on('message', (request: WorkerRequest) => {
    handle(request).catch(async (error: unknown) => {
      await reply({ type: 'failed', error: describe(error) });
      if (session) await session.close().catch(() => undefined);
      process.exit(0);
    });
  });
}
