import { spawn } from 'child_process';
import * as path from 'path';
import { compiledFacadeRegister } from '../adapter/helpers/compiled-facade';

export const CLI = path.join(__dirname, '..', '..', 'bin', 'kafka-node-adapter.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously, so the mocha process (and an embedded broker in it) stays responsive. */
export function runCli(args: string[], timeoutMs = 60000): Promise<CliRun> {
  return runNodeCli([CLI, ...args], args, timeoutMs);
}

/**
 * The same, from src/ transpiled once per mocha process (test/adapter/helpers/compiled-facade.ts), as the published
 * package runs from dist/: no ts-node compiling src/ again in every process, for files that run the CLI many times.
 */
export function runCompiledCli(args: string[], timeoutMs = 60000): Promise<CliRun> {
  const cli = path.join(path.dirname(compiledFacadeRegister()), 'cli', 'index.js');
  // What bin/kafka-node-adapter.js does with the module it loads.
  const start = `require(${JSON.stringify(cli)}).main(process.argv).then((code) => process.exit(code))`;
  return runNodeCli(['-e', start, 'kafka-node-adapter', ...args], args, timeoutMs);
}

function runNodeCli(nodeArgs: string[], args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `kafka-node-adapter ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
