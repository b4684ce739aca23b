/**
 * The `kafka` module object a kafka-node program gets from require('kafka-node'): the real kafka-node 5.0.0, or the
 * facade bound to one backend. Tests written against the kafka-node API take one of these and never know which.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as realKafkaNode from 'kafka-node';
import { REPO_ROOT, type RunMode } from './run-example';

export type KafkaNodeModule = typeof realKafkaNode;

/** The facade's kafka-node entry, if it exists in this checkout. */
const FACADE_ENTRY_CANDIDATES = ['src/adapter/kafka-node.ts', 'src/adapter/index.ts'];

export function facadeEntryPath(): string | undefined {
  for (const candidate of FACADE_ENTRY_CANDIDATES) {
    const full = path.join(REPO_ROOT, candidate);
    if (fs.existsSync(full)) return full;
  }
  return undefined;
}

/**
 * The module for `mode`. The facade chooses its backend from KAFKA_NODE_BACKEND when a client is constructed, so the
 * returned module for a facade mode is used inside `withBackend`.
 */
export function kafkaModule(mode: RunMode): KafkaNodeModule {
  if (mode === 'kafka-node') return realKafkaNode;
  const entry = facadeEntryPath();
  if (!entry) throw new Error(`facade entry not found (${FACADE_ENTRY_CANDIDATES.join(', ')})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(entry) as KafkaNodeModule;
}

/** Runs `action` with KAFKA_NODE_BACKEND set for a facade mode (unset for the real kafka-node), then restores it. */
export async function withBackend<T>(mode: RunMode, action: () => Promise<T>): Promise<T> {
  const saved = process.env.KAFKA_NODE_BACKEND;
  if (mode === 'kafka-node') delete process.env.KAFKA_NODE_BACKEND;
  else process.env.KAFKA_NODE_BACKEND = mode.slice('facade:'.length);
  try {
    return await action();
  } finally {
    if (saved === undefined) delete process.env.KAFKA_NODE_BACKEND;
    else process.env.KAFKA_NODE_BACKEND = saved;
  }
}

/** Resolves kafka-node style callbacks. */
export function callbackResult<T>(run: (done: (error: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));
}

/** Settles a kafka-node style callback into a trace entry: the result, or the error's name and message. */
export function settle<T>(run: (done: (error: unknown, result: T) => void) => void, timeoutMs = 15000): Promise<{ result: T } | { error: { name: string; message: string } }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: { name: 'TestTimeout', message: `no callback within ${timeoutMs} ms` } }), timeoutMs);
    try {
      run((error, result) => {
        clearTimeout(timer);
        resolve(error ? { error: describeError(error) } : { result });
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({ error: { ...describeError(error), name: `thrown ${describeError(error).name}` } });
    }
  });
}

export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (Array.isArray(error)) return { name: 'Array', message: JSON.stringify(error) };
  return { name: typeof error, message: String(error) };
}
