/**
 * Runs a kafka-node program (an example under examples/, unchanged) as a child process in one of four ways:
 * - 'kafka-node': plain `node file.js`, so require('kafka-node') is the real kafka-node 5.0.0;
 * - 'facade:kafka-node' / 'facade:kafkajs' / 'facade:confluent': through the facade's require hook with KAFKA_NODE_BACKEND set, the way a
 *   user runs `node -r kafka-node-adapter/register app.js`. In a checkout the sources are TypeScript, so ts-node's
 *   transpile-only register is loaded before the hook (as bin/kafka-node-adapter.js does).
 */
import { spawn } from 'child_process';
import * as path from 'path';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export type RunMode = 'kafka-node' | 'facade:kafka-node' | 'facade:kafkajs' | 'facade:confluent';
export const RUN_MODES: readonly RunMode[] = ['kafka-node', 'facade:kafka-node', 'facade:kafkajs', 'facade:confluent'];

/** The facade's require hook (what `node -r kafka-node-adapter/register` loads), as TypeScript in a checkout. */
export const FACADE_REGISTER = path.join(REPO_ROOT, 'src', 'register.ts');

export interface ExampleResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** For the facade modes: a compiled register.js to preload instead of src/register.ts through ts-node. */
  facadeRegister?: string;
  /** Called with the child once it has printed `line` (e.g. to send SIGTERM at a known point). */
  onLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void;
}

export function nodeArguments(mode: RunMode, file: string, facadeRegister?: string): string[] {
  if (mode === 'kafka-node') return [file];
  if (facadeRegister) return ['-r', facadeRegister, file];
  return ['-r', 'ts-node/register/transpile-only', '-r', FACADE_REGISTER, file];
}

export function runProgram(mode: RunMode, file: string, options: RunOptions = {}): Promise<ExampleResult> {
  const env: Record<string, string> = { ...options.env };
  if (mode !== 'kafka-node') env.KAFKA_NODE_BACKEND = mode.slice('facade:'.length);
  return runNode(nodeArguments(mode, file, options.facadeRegister), { ...options, env });
}

/**
 * Runs node with `args` in the repository, asynchronously (the embedded broker lives in this process: a spawnSync
 * would stop it from answering). KAFKA_NODE_BACKEND is only what `options.env` says.
 */
export function runNode(args: string[], options: RunOptions = {}): Promise<ExampleResult> {
  const { env = {}, timeoutMs = 30000, onLine } = options;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json') };
  delete childEnv.KAFKA_NODE_BACKEND;
  Object.assign(childEnv, env);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const kill = (signal: NodeJS.Signals): void => void child.kill(signal);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!onLine) return;
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        onLine(line, kill);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': a loaded machine can deliver the exit before the last chunks of stdout, and the output
    // would end early (a program seen to stop after its first line with exit code 0).
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

export function runExample(mode: RunMode, example: string, options: RunOptions = {}): Promise<ExampleResult> {
  return runProgram(mode, path.join(EXAMPLES_DIR, example), options);
}

/** What a failed run showed, for assertion messages. */
export function describeRun(mode: RunMode, result: ExampleResult): string {
  return `${mode}: exit ${String(result.code ?? result.signal)} after ${result.durationMs} ms\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
