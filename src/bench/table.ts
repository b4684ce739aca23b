import type { BenchReport, WorkloadResult } from './runner';
import type { RatioInterval, Spread } from './stats';

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

function withSpread(value: Spread, digits = 0): string {
  return `${value.median.toFixed(digits)} ±${value.spreadPct.toFixed(0)}%`;
}

function interval(value: RatioInterval): string {
  return `${value.ratio.toFixed(3)} [${value.low.toFixed(3)}, ${value.high.toFixed(3)}]`;
}

function figure(result: WorkloadResult): string {
  if (result.latencyMs)
    return `p50 ${result.latencyMs.p50.median.toFixed(2)} / p99 ${result.latencyMs.p99.median.toFixed(2)} ms`;
  return `${withSpread(result.msgsPerSec)} msg/s  ${result.mbPerSec.median.toFixed(1)} MB/s  ${result.cpuUsPerMessage.median.toFixed(1)} µs CPU/msg`;
}

/** Workloads as rows, contenders as columns; each cell is the median with its spread over the repetitions. */
export function formatBenchTable(report: BenchReport): string {
  const contenders = report.contenders.map((c) => c.name);
  const workloads = [...new Set(report.results.map((r) => r.workload))];
  const rows: string[][] = [['workload', ...contenders]];
  for (const workload of workloads) {
    rows.push([
      workload,
      ...contenders.map((name) => {
        const result = report.results.find((r) => r.workload === workload && r.contender === name);
        return result ? figure(result) : '-';
      }),
    ]);
  }
  rows.push(['peak RSS (MiB)', ...report.contenders.map((c) => (c.rssMiB ? c.rssMiB.peak.toFixed(0) : 'failed'))]);
  const lines = [
    `broker: ${report.broker.brokers.join(',')}, runs in ${report.broker.runsIn}${report.broker.peakRssMiB !== null ? `, peak RSS ${report.broker.peakRssMiB.toFixed(0)} MiB` : ''}`,
    `repetitions: ${report.options.repetitions}${report.options.rounds > 1 ? ` in each of ${report.options.rounds} rounds (fresh contender processes each round)` : ''}, contenders interleaved (median ±(max-min)/median), warm-up ${report.options.warmupMessages} messages and ${report.options.workloadWarmups} untimed run(s) of each workload excluded; ${report.environment.node} (${report.environment.runtime}), ${report.environment.cpus} CPUs`,
    '',
    pad(rows),
  ];
  const pairs = [...new Map(report.comparisons.map((c) => [`${c.numerator} / ${c.denominator}`, c])).keys()];
  if (pairs.length > 0) {
    const { confidence, resamples, seed } = report.method;
    lines.push(
      '',
      `ratios, numerator / denominator: mean over the interleaved repetitions [${confidence * 100}% paired bootstrap interval, ${resamples} resamples, seed ${seed}]`,
      'cpu: client CPU per message, all threads (above 1: the numerator costs more); main thread: without V8 garbage collection and compiler threads; msg/s: throughput (above 1: the numerator is faster); latency: p99',
    );
    for (const pair of pairs) {
      const rows: string[][] = [[pair, 'cpu/msg', 'main thread cpu/msg', 'msg/s', 'pairs']];
      for (const comparison of report.comparisons.filter((c) => `${c.numerator} / ${c.denominator}` === pair)) {
        const second = comparison.latencyP99
          ? `p99 ${interval(comparison.latencyP99)}`
          : interval(comparison.throughput);
        rows.push([
          comparison.workload,
          interval(comparison.cpuPerMessage),
          comparison.mainThreadCpuPerMessage ? interval(comparison.mainThreadCpuPerMessage) : '-',
          second,
          String(comparison.pairs),
        ]);
      }
      lines.push('', pad(rows));
    }
  }
  if (report.targets.length > 0) {
    lines.push('', "issue 14's targets, each judged on its interval's far end:");
    const rows: string[][] = [
      ['target', 'pair', 'workload', 'figure', 'ratio [interval]', 'goal', 'met', 'raw engine alone [interval]'],
    ];
    for (const check of report.targets) {
      rows.push([
        check.target,
        `${check.numerator} / ${check.denominator}`,
        check.workload,
        check.figure === 'cpuPerMessage' ? 'cpu/msg' : 'msg/s',
        interval(check.value),
        `${check.direction === 'at-most' ? '<=' : '>='} ${check.bound}`,
        check.met ? 'yes' : 'no',
        check.engine ? `${interval(check.engine.value)} ${check.engine.met ? 'meets it' : 'misses it'}` : '-',
      ]);
    }
    lines.push(pad(rows));
    lines.push(
      "raw engine alone: the facade's engine over kafka-node on the same workload; where it misses the goal, the facade can meet it only by doing less work than the engine (coalesced unawaited sends), not by translating better.",
    );
  }
  if (report.testBroker) {
    const { runs, targetMs, results } = report.testBroker;
    lines.push(
      '',
      `embedded broker as a test broker (median ms of ${runs} fresh processes each; target: startBroker() to the first produce <= ${targetMs} ms):`,
    );
    const rows: string[][] = [
      [
        'first produce by',
        'load modules',
        'startBroker',
        'create topic',
        'load client',
        'connect',
        'send',
        'start to produce',
      ],
    ];
    for (const result of results) {
      const label = `${result.client}, ${result.createTopic ? 'created' : 'auto-created'} topic`;
      if (result.error) {
        rows.push([label, ...Array.from({ length: 6 }, () => '-'), `failed: ${result.error}`]);
        continue;
      }
      const p = result.phases;
      rows.push([
        label,
        ...[p.loadBrokerMs, p.startBrokerMs, p.createTopicMs, p.loadClientMs, p.connectMs, p.firstSendMs].map((value) =>
          value.median.toFixed(1),
        ),
        withSpread(p.startToFirstProduceMs, 1),
      ]);
    }
    lines.push(pad(rows));
  }
  for (const contender of report.contenders)
    if (contender.error) lines.push('', `${contender.name} failed: ${contender.error}`);
  return `${lines.join('\n')}\n`;
}
