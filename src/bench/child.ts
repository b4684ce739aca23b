import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { BrokerProcessReply } from './broker-process';

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
    // 'close', not 'exit': a child may exit right after sending its answer, and 'exit' can come before the message
    // is read from the channel; 'close' comes once the channel is drained and closed.
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
      child.off('close', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.on('close', onExit);
    child.on('error', onError);
  });
}

/** Starts an embedded broker in a child process of its own; resolves once it listens (the child is killed if it fails). */
export async function forkBroker(): Promise<{ child: ChildProcess; brokers: string[] }> {
  const child = forkEntry('broker-process');
  try {
    const listening = await nextMessage(
      child,
      (message) =>
        (message as BrokerProcessReply).type === 'listening'
          ? (message as Extract<BrokerProcessReply, { type: 'listening' }>)
          : undefined,
      'embedded broker',
    );
    return { child, brokers: listening.brokers };
  } catch (error) {
    child.kill();
    throw error;
  }
}
