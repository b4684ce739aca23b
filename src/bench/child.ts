import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';

/**
 * Forks one of the bench's entry modules. From TypeScript sources (npm run bench, tests) the child needs ts-node as
 * the parent has it; from the compiled package it runs the .js directly.
 */
export function forkEntry(moduleBaseName: 'worker' | 'broker-process' | 'startup-probe'): ChildProcess {
  const fromSources = __filename.endsWith('.ts');
  const entry = require.resolve(`./${moduleBaseName}${fromSources ? '.ts' : '.js'}`);
  const execArgv = fromSources ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
  // ts-node looks for tsconfig.json from the working directory, which need not be this checkout.
  const env = fromSources
    ? {
        ...process.env,
        TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? path.join(__dirname, '..', '..', 'tsconfig.json'),
      }
    : process.env;
  return fork(entry, [], { execArgv, env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

/** Resolves with the first message `accept` recognises; fails if the child exits or errors first. */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => T | undefined,
  what: string,
  onOther?: (message: unknown) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const accepted = accept(message);
      if (accepted === undefined) {
        onOther?.(message);
        return;
      }
      cleanup();
      resolve(accepted);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`${what}: child process exited (${signal ?? `code ${code}`}) before answering`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}
