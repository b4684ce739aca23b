import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { testCertificates } from '../fixtures/tls';
import { startOrSkip } from '../fixtures/processes';
import { RawConnection } from '../helpers/raw-client';

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

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('cli/broker command', function () {
  this.timeout(40000);

  it('prints JSON addresses, serves clients, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--nodes', '2', '--json', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

  it('exits 2 with a message on usage errors, 0 on --help', async () => {
    // Each run starts ts-node; they run side by side to keep the test short.
    const [badPort, unknown, extra, pastTheEnd, badUser, help, programHelp] = await Promise.all([
      runCli(['broker', '--port', '99999']),
      runCli(['broker', '--bogus']),
      runCli(['broker', 'now']),
      runCli(['broker', '--port', '65535', '--nodes', '2']),
      runCli(['broker', '--sasl-user', 'alice']),
      runCli(['broker', '--help']),
      runCli(['--help']),
    ]);
    expect(badPort.status).to.equal(2);
    expect(badPort.stderr).to.match(/--port must be a whole number from 0 to 65535/);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/unknown option '--bogus'/);
    expect(extra.status).to.equal(2);
    expect(extra.stderr).to.match(/too many arguments/);
    expect(pastTheEnd.status).to.equal(2);
    expect(pastTheEnd.stderr).to.match(/go past 65535; choose a lower --port/);
    expect(badUser.status).to.equal(2);
    expect(badUser.stderr).to.match(/--sasl-user takes name:password/);
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/--data-dir <dir>/);
    expect(help.stdout).to.match(/--profile <name>/);
    expect(programHelp.status).to.equal(0);
    expect(programHelp.stdout).to.match(/broker \[options\]/);
  });

  it('--profile kafka-4 serves what Kafka 4.x serves: kafkajs works, an old Produce v2 gets the connection closed', async () => {
    const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--profile', 'kafka-4', '--json', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const info = JSON.parse(await firstLine(child)) as { brokers: string[]; profile: string };
      expect(info.profile).to.equal('kafka-4');
      const producer = new Kafka({ brokers: info.brokers, logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      const [sent] = await producer.send({ topic: 'cli-profile', messages: [{ value: 'v' }] });
      await producer.disconnect();
      expect(sent).to.include({ errorCode: 0 });
      const connection = await RawConnection.open(info.brokers[0]!);
      const produceV2 = await connection
        .request(0, 2, (w) => w.int16(1).int32(1000).int32(0))
        .then(
          () => 'answered',
          (error: Error) => error.message,
        );
      connection.close();
      expect(produceV2).to.equal('connection closed by the broker');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    }
    const badProfile = await runCli(['broker', '--profile', 'kafka-5']);
    expect(badProfile.status).to.equal(2);
    expect(badProfile.stderr).to.match(/--profile must be default or kafka-4, got "kafka-5"/);
  });

  it('serves SASL PLAIN users given on the command line, and stops on SIGINT (Ctrl-C) with exit 0', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'broker', '--port', '0', '--sasl-user', 'alice:s3cret', '--no-auto-create-topics', '--partitions', '3'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const bootstrap = await firstLine(child);
      expect(bootstrap).to.match(/^127\.0\.0\.1:\d+$/);
      const kafka = (password: string) =>
        new Kafka({
          brokers: [bootstrap],
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
          sasl: { mechanism: 'plain', username: 'alice', password },
        });
      const admin = kafka('s3cret').admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'from-cli' }] });
      const metadata = await admin.fetchTopicMetadata({ topics: ['from-cli'] });
      await admin.disconnect();
      expect(metadata.topics[0]!.partitions, '--partitions is the default for new topics').to.have.length(3);
      const refused = await kafka('guess')
        .admin()
        .connect()
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(refused?.name).to.equal('KafkaJSSASLAuthenticationError');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
    }
    expect(stderr, 'logs stay on stderr and never show the password').to.not.include('s3cret');
  });

  it('serves TLS with SCRAM users from --tls-cert/--tls-key/--sasl-mechanisms, and checks TLS flags before listening', async function () {
    const certificates = await startOrSkip(this, testCertificates);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-cli-tls-'));
    fs.writeFileSync(path.join(directory, 'server.pem'), certificates.serverCert);
    fs.writeFileSync(path.join(directory, 'server.key'), certificates.serverKey);
    const tlsArgs = ['--tls-cert', path.join(directory, 'server.pem'), '--tls-key', path.join(directory, 'server.key')];
    const child = spawn(
      process.execPath,
      [
        CLI,
        'broker',
        '--port',
        '0',
        '--json',
        ...tlsArgs,
        '--sasl-user',
        'alice:s3cret',
        '--sasl-mechanisms',
        'scram-sha-256',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const started = JSON.parse(await firstLine(child)) as { brokers: string[]; tls: boolean; sasl: boolean };
      expect(started).to.include({ tls: true, sasl: true });
      const admin = new Kafka({
        brokers: started.brokers,
        logLevel: logLevel.NOTHING,
        ssl: { ca: certificates.ca },
        sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 's3cret' },
      }).admin();
      await admin.connect();
      expect(await admin.listTopics()).to.be.an('array');
      await admin.disconnect();
      const [keyOnly, missingFile, mechanismsWithoutUsers] = await Promise.all([
        runCli(['broker', '--port', '0', '--tls-key', path.join(directory, 'server.key')]),
        runCli([
          'broker',
          '--port',
          '0',
          '--tls-cert',
          path.join(directory, 'absent.pem'),
          '--tls-key',
          path.join(directory, 'server.key'),
        ]),
        runCli(['broker', '--port', '0', '--sasl-mechanisms', 'PLAIN']),
      ]);
      expect(keyOnly.status).to.equal(2);
      expect(keyOnly.stderr).to.match(/TLS needs both --tls-cert and --tls-key/);
      expect(missingFile.status).to.equal(2);
      expect(missingFile.stderr).to.match(/--tls-cert .*absent\.pem: no such file/);
      expect(mechanismsWithoutUsers.status).to.equal(2);
      expect(mechanismsWithoutUsers.stderr).to.match(/--sasl-mechanisms needs at least one --sasl-user/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('exits 1 and names the port when it is taken', async () => {
    const holder = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--json', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
