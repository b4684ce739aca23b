import { expect } from 'chai';
import { spawn } from 'child_process';
import * as fs from 'fs';
import Ajv from 'ajv';
import { main } from '../../src/cli';
import { benchOptionsFrom } from '../../src/cli/bench-command';
import { UsageError } from '../../src/cli/usage-error';
import { CONTENDERS, contenderInstalled } from '../../src/bench/contenders';
import { checkTargets } from '../../src/bench/targets';
import { buildWorkloads } from '../../src/bench/plan';
import { pairedRatioInterval, percentile, spread } from '../../src/bench/stats';
import type { BenchReport } from '../../src/bench/runner';
import schema from '../../src/bench/schema.json';
import { until } from '../helpers/poll';
import { CLI, runCli } from '../helpers/run-cli';

describe('bench: kafka-node-adapter bench', function () {
  // Every contender is a child process running from the TypeScript sources: slow to start on a loaded machine.
  this.timeout(300000);

  describe('command line', () => {
    it('rejects bad options with a usage error before starting anything', () => {
      expect(() => benchOptionsFrom({ messages: '0' })).to.throw(UsageError, /--messages/);
      expect(() => benchOptionsFrom({ size: '1024,4' })).to.throw(UsageError, /--size must be a whole number from 8/);
      expect(() => benchOptionsFrom({ acks: '0' })).to.throw(UsageError, /--acks/);
      expect(() => benchOptionsFrom({ rounds: '0' })).to.throw(UsageError, /--rounds must be a whole number from 1/);
      expect(() => benchOptionsFrom({ contenders: 'kafkajs,nope' })).to.throw(UsageError, /unknown contender "nope"/);
      expect(() => benchOptionsFrom({ brokers: ['localhost'] })).to.throw(UsageError, /host:port/);
      expect(() => benchOptionsFrom({ brokers: ['127.0.0.1:9092'], brokerInProcess: true })).to.throw(
        UsageError,
        /--broker-in-process/,
      );
      expect(() => benchOptionsFrom({ compare: ['kafkajs'] })).to.throw(
        UsageError,
        /--compare takes two different contenders/,
      );
      expect(() => benchOptionsFrom({ compare: ['kafkajs,kafkajs'] })).to.throw(
        UsageError,
        /--compare takes two different contenders/,
      );
      expect(() => benchOptionsFrom({ compare: ['kafkajs,nope'] })).to.throw(UsageError, /unknown contender "nope"/);
      expect(() => benchOptionsFrom({ compare: ['facade/kafkajs,kafkajs'], contenders: 'kafkajs' })).to.throw(
        UsageError,
        /which --contenders leaves out/,
      );
      expect(() => benchOptionsFrom({ seed: '-1' })).to.throw(UsageError, /--seed/);
      expect(() => benchOptionsFrom({ inFlight: '10,x' })).to.throw(UsageError, /--in-flight/);
      expect(benchOptionsFrom({ inFlight: '0' }).inFlight).to.deep.equal([]);
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
      expect(options.contenders).to.deep.equal(CONTENDERS.filter(contenderInstalled).map((c) => c.name));
      expect(options.brokerMode).to.equal('embedded-process');
      expect(options.sizes).to.deep.equal([100, 1024, 10240]);
      const workloads = buildWorkloads({ ...options, latencySize: 1024, endToEndSize: 1024 });
      // 3 sizes x (2 batch sizes + 100 unawaited sends) x 2 acks settings, a consume workload per size, one latency workload.
      expect(workloads.filter((w) => w.type === 'produce')).to.have.length(18);
      expect(workloads.filter((w) => w.inFlight === 100).map((w) => w.id)).to.include(
        'produce-1024B-inflight100-acks1',
      );
      expect(workloads.filter((w) => w.type === 'consume')).to.have.length(3);
      expect(workloads.filter((w) => w.type === 'latency')).to.have.length(1);
      expect(workloads.filter((w) => w.type === 'produce-consume').map((w) => w.id)).to.deep.equal([
        'produce-consume-1024B-batch100',
      ]);
      expect(new Set(workloads.map((w) => w.id)).size).to.equal(workloads.length);
      expect(benchOptionsFrom({ short: true }).messages).to.be.lessThan(options.messages);
      expect(options.compare).to.deep.include({ numerator: 'facade/kafkajs', denominator: 'kafka-node' });
    });

    it('leaves out by default the contenders whose optional library is not installed, and names them when asked', () => {
      const confluent = CONTENDERS.filter((c) => c.library === '@confluentinc/kafka-javascript').map((c) => c.name);
      expect(confluent).to.deep.equal(['confluent', 'common/confluent', 'facade/confluent']);
      expect(contenderInstalled({ ...CONTENDERS[0]!, library: 'no-such-package-kna' })).to.equal(false);
      expect(contenderInstalled(CONTENDERS[0]!)).to.equal(true);
      const options = benchOptionsFrom({ compare: ['facade/confluent,confluent'] });
      expect(options.contenders).to.deep.equal(['confluent', 'facade/confluent']);
    });

    it('runs only the compared contenders when --compare is given without --contenders', () => {
      const options = benchOptionsFrom({ compare: ['facade/kafkajs,kafkajs', 'kafkajs,kafka-node'] });
      expect(options.contenders).to.deep.equal(['kafka-node', 'kafkajs', 'facade/kafkajs']);
      expect(options.compare).to.deep.equal([
        { numerator: 'facade/kafkajs', denominator: 'kafkajs' },
        { numerator: 'kafkajs', denominator: 'kafka-node' },
      ]);
    });
  });

  describe('targets', () => {
    const interval = (ratio: number, low: number, high: number) => ({ ratio, low, high });
    const comparison = (numerator: string, denominator: string, workload: string, cpu: number[], rate: number[]) => ({
      numerator,
      denominator,
      workload,
      pairs: 5,
      cpuPerMessage: interval(cpu[0]!, cpu[1]!, cpu[2]!),
      throughput: interval(rate[0]!, rate[1]!, rate[2]!),
    });

    it("judges issue 14's targets on the far end of each interval", () => {
      const checks = checkTargets([
        comparison('facade/kafkajs', 'kafkajs', 'produce-100B-batch100-acks1', [1.01, 0.99, 1.02], [1, 0.9, 1.1]),
        comparison('facade/kafkajs', 'kafkajs', 'consume-100B', [1.01, 0.98, 1.04], [1, 0.9, 1.1]),
        comparison('facade/kafkajs', 'kafka-node', 'produce-100B-batch100-acks1', [0.9, 0.8, 0.95], [1.2, 1.05, 1.3]),
        comparison('facade/kafkajs', 'kafka-node', 'produce-consume-1024B-batch100', [0.5, 0.4, 0.6], [2.1, 1.9, 2.3]),
        comparison('facade/kafkajs', 'kafka-node', 'latency-1024B-1000ps', [0.5, 0.4, 0.6], [1, 1, 1]),
        comparison('common/kafkajs', 'kafkajs', 'consume-100B', [1.5, 1.4, 1.6], [1, 1, 1]),
        comparison('facade/kafka-node', 'kafka-node', 'consume-100B', [1.01, 1, 1.02], [1, 1, 1]),
      ]);
      const summary = checks.map(
        (c) => `${c.target} ${c.numerator}/${c.denominator} ${c.workload} ${c.figure} ${c.met}`,
      );
      expect(summary).to.deep.equal([
        'facade-overhead facade/kafkajs/kafkajs produce-100B-batch100-acks1 cpuPerMessage true',
        'facade-overhead facade/kafkajs/kafkajs consume-100B cpuPerMessage false',
        'no-slower facade/kafkajs/kafka-node produce-100B-batch100-acks1 throughput true',
        'no-slower facade/kafkajs/kafka-node produce-100B-batch100-acks1 cpuPerMessage true',
        'end-to-end-2x facade/kafkajs/kafka-node produce-consume-1024B-batch100 throughput false',
        'facade-overhead facade/kafka-node/kafka-node consume-100B cpuPerMessage true',
      ]);
      expect(checks.every((c) => c.engine === undefined)).to.equal(true);
    });

    it('puts the raw engine over kafka-node next to each target against kafka-node', () => {
      const workload = 'produce-100B-batch100-acks1';
      const checks = checkTargets([
        comparison('facade/kafkajs', 'kafka-node', workload, [1.4, 1.3, 1.5], [0.8, 0.7, 0.9]),
        comparison('kafkajs', 'kafka-node', workload, [1.3, 1.2, 1.4], [1.1, 1.02, 1.2]),
        comparison('kafkajs', 'kafka-node', 'consume-100B', [0.5, 0.4, 0.6], [3, 2, 4]),
      ]);
      expect(checks.map((c) => [c.figure, c.met, c.engine?.met, c.engine?.value.ratio])).to.deep.equal([
        ['throughput', false, true, 1.1],
        ['cpuPerMessage', false, false, 1.3],
      ]);
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

    it('gives a ratio of means with a reproducible paired bootstrap interval around it', () => {
      const options = { seed: 7, resamples: 2000, confidence: 0.95 };
      const base = [10, 12, 9, 11, 10, 13, 10, 11];
      // The numerator costs 5% more in every pair, whatever the load did to that pair.
      const slower = base.map((value) => value * 1.05);
      expect(pairedRatioInterval(slower, base, options)).to.deep.equal({ ratio: 1.05, low: 1.05, high: 1.05 });
      const noisy = base.map((value, i) => value * (i % 2 === 0 ? 1.1 : 0.95));
      const interval = pairedRatioInterval(noisy, base, options);
      expect(interval.low).to.be.below(interval.ratio);
      expect(interval.high).to.be.above(interval.ratio);
      expect(interval.low).to.be.at.least(0.95);
      expect(interval.high).to.be.at.most(1.1);
      expect(pairedRatioInterval(noisy, base, options)).to.deep.equal(interval);
      expect(pairedRatioInterval(noisy, base, { ...options, seed: 8 })).to.not.deep.equal(interval);
      expect(() => pairedRatioInterval([1], [1, 2], options)).to.throw(/same length/);
    });
  });

  describe('end to end on the embedded broker (short mode)', () => {
    let report: BenchReport;

    before(async function () {
      const run = await runCli(
        [
          'bench',
          '--short',
          '--json',
          '--size',
          '100,1024',
          '--acks',
          '1',
          '--messages',
          '200',
          '--warmup',
          '50',
          '--latency-messages',
          '50',
          '--test-broker',
          '1',
        ],
        280000,
      );
      expect(run.code, run.stderr).to.equal(0);
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
      expect(report.contenders.map((c) => c.name)).to.deep.equal(
        CONTENDERS.filter(contenderInstalled).map((c) => c.name),
      );
      expect(report.contenders.map((c) => c.kind)).to.include.members(['raw', 'common', 'facade']);
      for (const contender of report.contenders) {
        expect(contender.error, contender.name).to.equal(null);
        expect(contender.rssMiB!.peak).to.be.at.least(contender.rssMiB!.afterWarmup);
      }
      const workloads = new Set(report.results.map((r) => r.workload));
      // 2 sizes x (2 batch sizes + 100 unawaited sends) (acks 1), a consume workload per size, one produce-then-consume
      // workload (1 KB), one latency workload.
      expect(workloads.size).to.equal(10);
      expect(workloads).to.include('produce-consume-1024B-batch100');
      expect(report.results).to.have.length(10 * report.contenders.length);
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
        if (process.platform === 'linux') {
          // The main thread's share of the process's CPU time (measured by another clock: allow a little over).
          expect(result.mainThreadCpuUsPerMessage!.median, label).to.be.greaterThan(0);
          expect(result.mainThreadCpuUsPerMessage!.median, label).to.be.at.most(
            result.cpuUsPerMessage.median * 1.2 + 5,
          );
        }
        if (result.type === 'latency') {
          expect(result.latencyMs!.p50.median, label).to.be.greaterThan(0);
          expect(result.latencyMs!.p99.median, label).to.be.at.least(result.latencyMs!.p50.median);
        } else {
          expect(result.latencyMs, label).to.equal(undefined);
        }
      }
    });

    it('compares the default pairs workload by workload, from the same runs as the results', () => {
      const pairs = [...new Set(report.comparisons.map((c) => `${c.numerator} / ${c.denominator}`))];
      const confluent = report.contenders.some((c) => c.name === 'confluent')
        ? [
            'facade/confluent / confluent',
            'common/confluent / confluent',
            'confluent / kafka-node',
            'facade/confluent / kafka-node',
          ]
        : [];
      expect(pairs).to.have.members([
        'facade/kafka-node / kafka-node',
        'common/kafka-node / kafka-node',
        'facade/kafkajs / kafkajs',
        'common/kafkajs / kafkajs',
        'kafkajs / kafka-node',
        'facade/kafkajs / kafka-node',
        ...confluent,
      ]);
      const result = (contender: string, workload: string) =>
        report.results.find((r) => r.contender === contender && r.workload === workload)!;
      for (const comparison of report.comparisons) {
        const label = `${comparison.numerator} / ${comparison.denominator} ${comparison.workload}`;
        // One repetition: the ratio of means is the ratio of the single runs, and the interval collapses onto it.
        expect(comparison.pairs, label).to.equal(1);
        const cpu =
          result(comparison.numerator, comparison.workload).cpuUsPerMessage.median /
          result(comparison.denominator, comparison.workload).cpuUsPerMessage.median;
        expect(comparison.cpuPerMessage.ratio, label).to.be.closeTo(cpu, cpu * 0.02);
        expect(comparison.cpuPerMessage.low, label).to.equal(comparison.cpuPerMessage.ratio);
        const throughput =
          result(comparison.numerator, comparison.workload).msgsPerSec.median /
          result(comparison.denominator, comparison.workload).msgsPerSec.median;
        expect(comparison.throughput.ratio, label).to.be.closeTo(throughput, throughput * 0.02);
        expect(comparison.latencyP99 !== undefined, label).to.equal(comparison.workload.startsWith('latency-'));
      }
      expect(report.method).to.include({ order: 'interleaved', seed: 1 });
    });

    it("checks issue 14's targets on the run's own comparisons", () => {
      expect(report.targets).to.deep.equal(checkTargets(report.comparisons));
      const endToEnd = report.targets.filter((t) => t.target === 'end-to-end-2x');
      expect(endToEnd.map((t) => t.numerator)).to.include('facade/kafkajs');
      expect(endToEnd.every((t) => t.workload === 'produce-consume-1024B-batch100' && t.bound === 2)).to.equal(true);
      // Every contender ran, so each target against kafka-node has the raw engine's own figure beside it.
      const againstKafkaNode = report.targets.filter((t) => t.target !== 'facade-overhead');
      expect(againstKafkaNode.length).to.be.greaterThan(0);
      expect(againstKafkaNode.filter((t) => t.engine === undefined)).to.deep.equal([]);
      expect(report.environment.confluent).to.be.a('string');
    });

    it('times the embedded broker as a test broker, phase by phase, in fresh processes', () => {
      const testBroker = report.testBroker!;
      expect(testBroker.runs).to.equal(1);
      expect(testBroker.targetMs).to.equal(50);
      expect(testBroker.results.map((r) => `${r.client} ${r.createTopic}`)).to.deep.equal([
        'wire true',
        'kafkajs true',
        'kafkajs false',
      ]);
      for (const result of testBroker.results) {
        const label = `${result.client} ${result.createTopic}`;
        expect(result.error, label).to.equal(null);
        const p = result.phases;
        expect(p.loadBrokerMs.median, label).to.be.greaterThan(0);
        expect(p.startBrokerMs.median, label).to.be.greaterThan(0);
        expect(p.firstSendMs.median, label).to.be.greaterThan(0);
        const sum = p.startBrokerMs.median + p.createTopicMs.median + p.connectMs.median + p.firstSendMs.median;
        expect(p.startToFirstProduceMs.median, label).to.be.closeTo(sum, 0.1);
        expect(p.loadClientMs.median > 0, label).to.equal(result.client === 'kafkajs');
      }
    });
  });

  /** The bench's progress lines for one workload as `contender#repetition`, in the order the runs happened. */
  function progressOrder(stderr: string, workload: string): string[] {
    const line = new RegExp(`^(\\S+) #(\\d+) ${workload}:`);
    return stderr
      .split('\n')
      .map((text) => line.exec(text))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => `${match[1]}#${match[2]}`);
  }

  /** Linux: the pids whose parent is `parent`, from /proc; a process that has exited (a zombie) is left out. */
  function liveChildrenOf(parent: number): number[] {
    const children: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === parent && state !== 'Z') children.push(Number(entry));
    }
    return children;
  }

  function alive(pid: number): boolean {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }

  it('leaves no contender or broker process behind when the bench itself is killed', async function () {
    if (process.platform !== 'linux') {
      console.log('      (skipped: finds the child processes through /proc, which only Linux has)');
      this.skip();
    }
    // librdkafka reconnects to a vanished broker forever, so a confluent contender (where installed) never exits by
    // itself once its bench is gone; kafkajs gives up after its retries (about 35 s).
    const confluent = contenderInstalled(CONTENDERS.find((c) => c.name === 'facade/confluent')!);
    const contenders = confluent ? 'kafkajs,facade/confluent' : 'kafkajs,facade/kafkajs';
    const bench = spawn(
      process.execPath,
      [CLI, 'bench', '--short', '--contenders', contenders, '--size', '100', '--warmup', '0'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => bench.once('exit', () => resolve()));
    try {
      // The first measurement means every contender's process is open (they open before any workload runs).
      await until(() => /^\S+ #\d+ \S+: /m.test(stderr), "the bench's first measurement", 120000, 50);
      const children = liveChildrenOf(bench.pid!);
      // The broker's process and one per contender.
      expect(children, stderr).to.have.length(3);
      bench.kill('SIGKILL');
      await exited;
      await until(() => children.every((pid) => !alive(pid)), 'the orphaned bench processes to exit', 20000, 100);
    } finally {
      bench.kill('SIGKILL');
    }
  });

  it('runs --rounds with fresh contender processes and pools their repetitions', async () => {
    const run = await runCli(
      [
        'bench',
        '--short',
        '--json',
        '--broker-in-process',
        '--compare',
        'facade/kafkajs,kafkajs',
        '--rounds',
        '2',
        '--repetitions',
        '2',
        '--size',
        '100',
        '--batch',
        '100',
        '--in-flight',
        '0',
        '--acks',
        '1',
        '--messages',
        '100',
        '--warmup',
        '0',
        '--latency-messages',
        '20',
      ],
      280000,
    );
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.options).to.include({ repetitions: 2, rounds: 2 });
    const ajv = new Ajv({ allErrors: true });
    ajv.validate(schema, report);
    expect(ajv.errors ?? [], 'schema errors').to.deep.equal([]);
    // Each round names its processes; the second round's are new ones, and the first round's have exited.
    const rounds = [...run.stderr.matchAll(/^round (\d) processes: (.*)$/gm)].map((match) =>
      match[2]!.split(', ').map((entry) => Number(entry.split(' ')[1])),
    );
    expect(rounds, run.stderr).to.have.length(2);
    expect(rounds[0]!.filter((pid) => rounds[1]!.includes(pid))).to.deep.equal([]);
    if (process.platform === 'linux') expect(rounds[0]!.filter((pid) => alive(pid))).to.deep.equal([]);
    // Repetitions are numbered on across rounds, interleaved within each: 1 2 in the first, 3 4 in the second.
    const order = progressOrder(run.stderr, 'produce-100B-batch100-acks1');
    expect(order).to.deep.equal([
      'kafkajs#1',
      'facade/kafkajs#1',
      'kafkajs#2',
      'facade/kafkajs#2',
      'kafkajs#3',
      'facade/kafkajs#3',
      'kafkajs#4',
      'facade/kafkajs#4',
    ]);
    const produce = report.results.filter((r) => r.workload === 'produce-100B-batch100-acks1');
    expect(produce.map((r) => r.cpuUsPerMessage.values.length)).to.deep.equal([4, 4]);
    const comparison = report.comparisons.find((c) => c.workload === 'produce-100B-batch100-acks1')!;
    expect(comparison.pairs).to.equal(4);
  });

  it('interleaves the contenders of a --compare pair and prints the ratio with its interval', async () => {
    const run = await runCli(
      [
        'bench',
        '--short',
        '--broker-in-process',
        '--compare',
        'facade/kafkajs,kafkajs',
        '--size',
        '100',
        '--batch',
        '100',
        '--in-flight',
        '10',
        '--acks',
        '1',
        '--messages',
        '100',
        '--warmup',
        '0',
        '--latency-messages',
        '20',
        '--repetitions',
        '3',
        '--workload-warmups',
        '1',
      ],
      280000,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/runs in the bench's main process/);
    expect(run.stdout).to.match(/^workload\s+kafkajs\s+facade\/kafkajs$/m);
    expect(run.stdout).to.match(/^produce-100B-batch100-acks1\s+\d+ ±\d+% msg\/s\s+[\d.]+ MB\/s\s+[\d.]+ µs CPU\/msg/m);
    expect(run.stdout).to.match(/^produce-100B-inflight10-acks1\s+\d+ ±\d+% msg\/s/m);
    expect(run.stdout).to.match(/^consume-100B\s+\d+ ±\d+% msg\/s/m);
    expect(run.stdout).to.match(/^latency-100B-1000ps\s+p50 [\d.]+ \/ p99 [\d.]+ ms/m);
    expect(run.stdout).to.match(/^peak RSS \(MiB\)\s+\d+\s+\d+$/m);
    expect(run.stdout).to.match(/^facade\/kafkajs \/ kafkajs\s+cpu\/msg\s+main thread cpu\/msg\s+msg\/s\s+pairs$/m);
    const interval = String.raw`[\d.]+ \[[\d.]+, [\d.]+\]`;
    // The main-thread column needs Linux's /proc; elsewhere it is '-'.
    const mainThread = process.platform === 'linux' ? interval : '-';
    expect(run.stdout).to.match(
      new RegExp(String.raw`^produce-100B-batch100-acks1\s+${interval}\s+${mainThread}\s+${interval}\s+3$`, 'm'),
    );
    expect(run.stdout).to.match(
      new RegExp(String.raw`^latency-100B-1000ps\s+${interval}\s+${mainThread}\s+p99 ${interval}\s+3$`, 'm'),
    );
    expect(run.stdout).to.match(/1 untimed run\(s\) of each workload excluded/);
    // Progress lines, in the order the runs happened: A B A B ... within each workload.
    const order = progressOrder(run.stderr, 'produce-100B-batch100-acks1');
    // The workload's untimed warm-up run (#0) comes first, interleaved as the others.
    expect(order).to.deep.equal([
      'kafkajs#0',
      'facade/kafkajs#0',
      'kafkajs#1',
      'facade/kafkajs#1',
      'kafkajs#2',
      'facade/kafkajs#2',
      'kafkajs#3',
      'facade/kafkajs#3',
    ]);
  });
});
