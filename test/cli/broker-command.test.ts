import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';

const CLI = path.join(__dirname, '..', '..', 'bin', 'kafka-node-adapter.js');

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no output within 20 s; got "${buffered}"`)), 20000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, newline));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing an address`)));
  });
}

describe('cli/broker command', function () {
  this.timeout(40000);

  it('prints JSON addresses, serves clients, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--nodes', '2', '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const info = JSON.parse(await firstLine(child)) as { bootstrap: string; brokers: string[]; nodes: number };
      expect(info.nodes).to.equal(2);
      expect(info.brokers).to.have.length(2);
      const admin = new Kafka({ brokers: info.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      expect(cluster.brokers).to.have.length(2);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    }
  });

  it('exits 2 with a message on usage errors, 0 on --help', () => {
    const badPort = spawnSync(process.execPath, [CLI, 'broker', '--port', '99999'], { encoding: 'utf8' });
    expect(badPort.status).to.equal(2);
    expect(badPort.stderr).to.match(/--port must be a whole number from 0 to 65535/);
    const unknown = spawnSync(process.execPath, [CLI, 'broker', '--bogus'], { encoding: 'utf8' });
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/unknown option '--bogus'/);
    const help = spawnSync(process.execPath, [CLI, 'broker', '--help'], { encoding: 'utf8' });
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/--data-dir <dir>/);
  });

  it('exits 1 and names the port when it is taken', async () => {
    const holder = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const { bootstrap } = JSON.parse(await firstLine(holder)) as { bootstrap: string };
      const port = bootstrap.split(':')[1]!;
      const clash = spawnSync(process.execPath, [CLI, 'broker', '--port', port], { encoding: 'utf8', timeout: 20000 });
      expect(clash.status).to.equal(1);
      expect(clash.stderr).to.include(`port ${port}`);
    } finally {
      holder.kill('SIGTERM');
    }
  });
});
