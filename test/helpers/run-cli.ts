import { spawn } from 'child_process';
import * as path from 'path';

export const CLI = path.join(__dirname, '..', '..', 'bin', 'kafka-node-adapter.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node ARGS` asynchronously, so the mocha process (and an embedded broker in it) stays responsive; fails with
 * what the process printed when it does not finish within `timeoutMs`.
 */
export function runNode(args: string[], timeoutMs = 60000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`node ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI (`bin/kafka-node-adapter.js ARGS`) with runNode. */
export function runCli(args: string[], timeoutMs = 60000): Promise<CliRun> {
  return runNode([CLI, ...args], timeoutMs);
}
