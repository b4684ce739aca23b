import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunEnvironment } from '../compat/report';

function packageVersion(packageJson: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function dependencyVersion(name: string): string {
  try {
    return packageVersion(require.resolve(`${name}/package.json`));
  } catch {
    return 'not installed';
  }
}

/** This package's version, from src/cli in a checkout or dist/src/cli once built. */
function adapterVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (
      fs.existsSync(file) &&
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'kafka-node-adapter'
    )
      return packageVersion(file);
  }
  return 'unknown';
}

/** What the report says about the run: the command, the library versions, the machine. */
export function runEnvironment(command: string, startedAt: Date): RunEnvironment {
  return {
    command,
    adapterVersion: adapterVersion(),
    kafkaNodeVersion: dependencyVersion('kafka-node'),
    kafkajsVersion: dependencyVersion('kafkajs'),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus: os.cpus().length,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  };
}
