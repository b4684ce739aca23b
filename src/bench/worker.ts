/**
 * Child-process entry: runs one contender's plan and sends back its ContenderRun. Each contender gets a process of its
 * own so that its peak RSS is its own and no other client library or broker shares its event loop.
 */
import { contenderNamed } from './contenders';
import { runContender, type ContenderPlan, type ContenderRun } from './measure';

export type WorkerRequest = { type: 'run'; plan: ContenderPlan };
export type WorkerReply = { type: 'progress'; line: string } | { type: 'done'; run: ContenderRun } | { type: 'failed'; error: string };

function reply(message: WorkerReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

if (require.main === module && process.send) {
  process.once('message', (request: WorkerRequest) => {
    const definition = contenderNamed(request.plan.contender);
    const work = definition
      ? runContender(definition, request.plan, (line) => void reply({ type: 'progress', line }))
      : Promise.reject(new Error(`unknown contender ${request.plan.contender}`));
    work
      .then((run) => reply({ type: 'done', run }))
      .catch((error: unknown) => reply({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }))
      // Client libraries may keep sockets or timers alive after close.
      .finally(() => process.exit(0));
  });
}
