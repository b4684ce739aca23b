import { expect } from 'chai';
import { spawn } from 'child_process';
import * as path from 'path';
import Ajv from 'ajv';
import { main } from '../../src/cli';
import { benchOptionsFrom } from '../../src/cli/bench-command';
import { UsageError } from '../../src/cli/usage-error';
import { CONTENDERS } from '../../src/bench/contenders';
import { buildWorkloads } from '../../src/bench/plan';
import { percentile, spread } from '../../src/bench/stats';
import type { BenchReport } from '../../src/bench/runner';
import schema from '../../src/bench/schema.json';

const CLI = path.join(__dirname, '..', '..', 'bin', 'kafka-node-adapter.js');

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('bench: kafka-node-adapter bench', function () {
  this.timeout(90000);

  describe('command line', () => {
    it('rejects bad options with a usage error before starting anything', () => {
      expect(() => benchOptionsFrom({ messages: '0' })).to.throw(UsageError, /--messages/);
      expect(() => benchOptionsFrom({ size: '1024,4' })).to.throw(UsageError, /--size must be a whole number from 8/);
      expect(() => benchOptionsFrom({ acks: '0' })).to.throw(UsageError, /--acks/);
      expect(() => benchOptionsFrom({ contenders: 'kafkajs,nope' })).to.throw(UsageError, /unknown contender "nope"/);
      expect(() => benchOptionsFrom({ brokers: ['localhost'] })).to.throw(UsageError, /host:port/);
      expect(() => benchOptionsFrom({ brokers: ['127.0.0.1:9092'], brokerInProcess: true })).to.throw(UsageError, /--broker-in-process/);
    });

    it('exits 2 on a usage error and 0 for --help', async () => {
      const stderr = process.stderr.write;
      const stdout = process.stdout.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        expect(await main(['node', 'kafka-node-adapter', 'bench', '--repetitions', 'x'])).to.equal(2);
        expect(await main(['node', 'kafka-node-adapter', 'bench', '--no-such-flag'])).to.equal(2);
        expect(await main(['node', 'kafka-node-adapter', 'bench', '--help'])).to.equal(0);
      } finally {
        process.stderr.write = stderr;
        process.stdout.write = stdout;
      }
    });

    it('defaults to every registered contender, the embedded broker in a child process, and the full workload matrix', () => {
      const options = benchOptionsFrom({});
      expect(options.contenders).to.deep.equal(CONTENDERS.map((c) => c.name));
      expect(options.brokerMode).to.equal('embedded-process');
      expect(options.sizes).to.deep.equal([100, 1024, 10240]);
      const workloads = buildWorkloads({ ...options, latencySize: 1024 });
      // 3 sizes x 2 batch sizes x 2 acks settings, a consume workload per size, one latency workload.
      expect(workloads.filter((w) => w.type === 'produce')).to.have.length(12);
      expect(workloads.filter((w) => w.type === 'consume')).to.have.length(3);
      expect(workloads.filter((w) => w.type === 'latency')).to.have.length(1);
      expect(new Set(workloads.map((w) => w.id)).size).to.equal(workloads.length);
      expect(benchOptionsFrom({ short: true }).messages).to.be.lessThan(options.messages);
    });
  });

  describe('statistics', () => {
    it('takes nearest-rank percentiles and medians with their spread', () => {
      const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentile(sorted, 50)).to.equal(50);
      expect(percentile(sorted, 99)).to.equal(99);
      expect(percentile([7], 99)).to.equal(7);
      expect(spread([30, 10, 20])).to.include({ median: 20, min: 10, max: 30, spreadPct: 100 });
      expect(spread([10, 20]).median).to.equal(15);
    });
  });

  describe('end to end on the embedded broker (short mode)', () => {
    let report: BenchReport;

    before(async function () {
      const run = await runCli(['bench', '--short', '--json', '--messages', '200', '--warmup', '50', '--latency-messages', '50'], 80000);
      expect(run.status, run.stderr).to.equal(0);
      report = JSON.parse(run.stdout) as BenchReport;
    });

    it('prints JSON that validates against src/bench/schema.json', () => {
      const ajv = new Ajv({ allErrors: true });
      const valid = ajv.validate(schema, report);
      expect(ajv.errors ?? [], 'schema errors').to.deep.equal([]);
      expect(valid).to.equal(true);
      expect(report.short).to.equal(true);
      expect(report.broker.mode).to.equal('embedded-process');
      expect(report.broker.peakRssMiB).to.be.greaterThan(0);
    });

    it('measures every workload for every contender, with positive and consistent figures', () => {
      expect(report.contenders.map((c) => c.name)).to.deep.equal(CONTENDERS.map((c) => c.name));
      expect(report.contenders.map((c) => c.kind)).to.include.members(['raw', 'common', 'facade']);
      for (const contender of report.contenders) {
        expect(contender.error, contender.name).to.equal(null);
        expect(contender.rssMiB!.peak).to.be.at.least(contender.rssMiB!.afterWarmup);
      }
      const workloads = new Set(report.results.map((r) => r.workload));
      expect(workloads.size).to.equal(16);
      expect(report.results).to.have.length(16 * report.contenders.length);
      for (const result of report.results) {
        const label = `${result.contender} ${result.workload}`;
        expect(result.msgsPerSec.median, label).to.be.greaterThan(0);
        expect(result.msgsPerSec.values, label).to.have.length(report.options.repetitions);
        expect(result.msgsPerSec.min).to.be.at.most(result.msgsPerSec.median);
        expect(result.msgsPerSec.max).to.be.at.least(result.msgsPerSec.median);
        // MB/s is msgs/s times the message size: both come from the same runs.
        const expectedMbPerSec = (result.msgsPerSec.median * result.size) / (1024 * 1024);
        expect(result.mbPerSec.median, label).to.be.closeTo(expectedMbPerSec, expectedMbPerSec * 0.02 + 0.02);
        expect(result.cpuUsPerMessage.median, label).to.be.greaterThan(0);
        if (result.type === 'latency') {
          expect(result.latencyMs!.p50.median, label).to.be.greaterThan(0);
          expect(result.latencyMs!.p99.median, label).to.be.at.least(result.latencyMs!.p50.median);
        } else {
          expect(result.latencyMs, label).to.equal(undefined);
        }
      }
    });

    it('derives the ratios from the medians', () => {
      const median = (contender: string, workload: string): number =>
        report.results.find((r) => r.contender === contender && r.workload === workload)!.msgsPerSec.median;
      const workload = 'produce-1024B-batch100-acks1';
      const ratio = (name: string) => report.ratios.find((r) => r.name === name && r.workload === workload)!.value;
      expect(ratio('common/raw kafkajs')).to.be.closeTo(median('common/kafkajs', workload) / median('kafkajs', workload), 0.001);
      expect(ratio('common/raw kafka-node')).to.be.closeTo(median('common/kafka-node', workload) / median('kafka-node', workload), 0.001);
      expect(ratio('kafkajs/kafka-node')).to.be.closeTo(median('kafkajs', workload) / median('kafka-node', workload), 0.001);
      const cpu = (contender: string): number =>
        report.results.find((r) => r.contender === contender && r.workload === workload)!.cpuUsPerMessage.median;
      expect(ratio('common/raw kafkajs cpu')).to.be.closeTo(cpu('common/kafkajs') / cpu('kafkajs'), 0.01);
      expect(ratio('facade/raw kafka-node')).to.be.closeTo(median('facade/kafka-node', workload) / median('kafka-node', workload), 0.001);
      expect(ratio('facade/raw kafkajs')).to.be.closeTo(median('facade/kafkajs', workload) / median('kafkajs', workload), 0.001);
      expect(ratio('facade/raw kafka-node cpu')).to.be.closeTo(cpu('facade/kafka-node') / cpu('kafka-node'), 0.01);
      // The kafka-node API on the kafkajs backend against kafka-node itself.
      expect(ratio('facade/kafkajs/kafka-node')).to.be.closeTo(median('facade/kafkajs', workload) / median('kafka-node', workload), 0.001);
    });
  });

  it('prints a table with the broker in the bench process and a subset of contenders', async () => {
    const run = await runCli(
      ['bench', '--short', '--broker-in-process', '--contenders', 'kafkajs', '--size', '1024', '--batch', '100', '--acks', '1', '--messages', '100', '--warmup', '0', '--latency-messages', '20', '--repetitions', '2'],
      60000,
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/runs in the bench's main process/);
    expect(run.stdout).to.match(/^workload\s+kafkajs$/m);
    expect(run.stdout).to.match(/^produce-1024B-batch100-acks1\s+\d+ ±\d+% msg\/s\s+[\d.]+ MB\/s\s+[\d.]+ µs CPU\/msg$/m);
    expect(run.stdout).to.match(/^consume-1024B\s+\d+ ±\d+% msg\/s/m);
    expect(run.stdout).to.match(/^latency-1024B-1000ps\s+p50 [\d.]+ \/ p99 [\d.]+ ms/m);
    expect(run.stdout).to.match(/^peak RSS \(MiB\)\s+\d+$/m);
  });
});
