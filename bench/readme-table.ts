/**
 * The README's bench tables from one `npm run bench -- --out report.json` run: medians per contender, the ratios with
 * their intervals, issue 14's targets and the test-broker startup, as Markdown.
 *
 *   node -r ts-node/register/transpile-only bench/readme-table.ts report.json
 */
import * as fs from 'fs';
import type { BenchReport, Comparison, WorkloadResult } from '../src/bench/runner';
import type { RatioInterval } from '../src/bench/stats';
import type { TargetCheck } from '../src/bench/targets';

const COLUMNS = ['kafka-node', 'kafkajs', 'confluent', 'facade/kafka-node', 'facade/kafkajs', 'facade/confluent'];

function label(workload: string): string {
  const produce = /^produce-(\d+)B-(batch|inflight)(\d+)-acks(-?1)$/.exec(workload);
  const size = (bytes: string) => (bytes === '1024' ? '1 KB' : `${bytes} B`);
  if (produce) {
    const [, bytes, kind, count] = produce;
    return `produce ${size(bytes!)}, ${kind === 'batch' ? `batch ${count}` : `${count} unawaited sends`}`;
  }
  const endToEnd = /^produce-consume-(\d+)B-batch(\d+)$/.exec(workload);
  if (endToEnd) return `produce then consume ${size(endToEnd[1]!)} (batches of ${endToEnd[2]})`;
  const consume = /^consume-(\d+)B$/.exec(workload);
  if (consume) return `consume ${size(consume[1]!)}`;
  const latency = /^latency-(\d+)B-(\d+)ps$/.exec(workload);
  if (latency) return `latency p50 / p99 (ms), ${size(latency[1]!)} at ${latency[2]} msg/s`;
  return workload;
}

function cell(result: WorkloadResult | undefined): string {
  if (!result) return '-';
  if (result.latencyMs) return `${result.latencyMs.p50.median.toFixed(0)} / ${result.latencyMs.p99.median.toFixed(0)}`;
  const cpu = result.cpuUsPerMessage.median;
  return `${Math.round(result.msgsPerSec.median).toLocaleString('en-US')} (${cpu >= 100 ? cpu.toFixed(0) : cpu.toFixed(1)} µs)`;
}

function ratio(value: RatioInterval | undefined): string {
  return value ? `${value.ratio.toFixed(2)} [${value.low.toFixed(2)}, ${value.high.toFixed(2)}]` : '-';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function main(file: string): void {
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
  const columns = COLUMNS.filter((name) => report.results.some((r) => r.contender === name));
  const workloads = [...new Set(report.results.map((r) => r.workload))];
  const out: string[] = [];
  out.push(row(['workload', ...columns]), row(['---', ...columns.map(() => '---:')]));
  for (const workload of workloads) {
    out.push(
      row([
        label(workload),
        ...columns.map((name) => cell(report.results.find((r) => r.workload === workload && r.contender === name))),
      ]),
    );
  }
  out.push(
    row([
      'peak RSS of the client process (MiB)',
      ...columns.map((name) => report.contenders.find((c) => c.name === name)?.rssMiB?.peak.toFixed(0) ?? '-'),
    ]),
  );
  const find = (pair: [string, string], workload: string): Comparison | undefined =>
    report.comparisons.find((c) => c.numerator === pair[0] && c.denominator === pair[1] && c.workload === workload);
  const ratioTable = (pairs: [string, string][]): void => {
    const present = pairs.filter((pair) => workloads.some((workload) => find(pair, workload)));
    if (present.length === 0) return;
    out.push('', row(['workload', ...present.flatMap(([a, b]) => [`${a} / ${b}: CPU/msg`, 'msg/s'])]));
    out.push(row(['---', ...present.flatMap(() => ['---:', '---:'])]));
    for (const workload of workloads) {
      out.push(
        row([
          label(workload),
          ...present.flatMap((pair) => {
            const comparison = find(pair, workload);
            if (!comparison) return ['-', '-'];
            return [
              ratio(comparison.cpuPerMessage),
              comparison.latencyP99 ? `p99 ${ratio(comparison.latencyP99)}` : ratio(comparison.throughput),
            ];
          }),
        ]),
      );
    }
  };
  ratioTable([
    ['facade/kafkajs', 'kafkajs'],
    ['facade/confluent', 'confluent'],
    ['facade/kafka-node', 'kafka-node'],
  ]);
  ratioTable([
    ['facade/kafkajs', 'kafka-node'],
    ['facade/confluent', 'kafka-node'],
  ]);
  ratioTable([
    ['kafkajs', 'kafka-node'],
    ['confluent', 'kafka-node'],
  ]);
  const kinds = [...new Set(report.targets.map((t) => t.target))];
  const named = (t: TargetCheck): string =>
    `${t.numerator} ${label(t.workload)} (${t.figure === 'cpuPerMessage' ? 'CPU' : 'msg/s'})`;
  out.push(
    '',
    row([
      "target (issue 14), judged on the interval's far end",
      'met',
      'of',
      'met on',
      'missed where the raw engine alone misses it too',
    ]),
  );
  out.push(row(['---', '---:', '---:', '---', '---']));
  for (const kind of kinds) {
    const checks = report.targets.filter((t) => t.target === kind);
    const met = checks.filter((t) => t.met);
    const engineBound = checks.filter((t) => !t.met && t.engine && !t.engine.met);
    out.push(
      row([
        kind,
        String(met.length),
        String(checks.length),
        met.map(named).join('; ') || '-',
        checks.some((t) => t.engine) ? `${engineBound.length}: ${engineBound.map(named).join('; ') || '-'}` : '-',
      ]),
    );
  }
  if (report.testBroker) {
    out.push(
      '',
      row([
        'first produce by',
        'load broker modules',
        'startBroker()',
        'create topic',
        'load client',
        'connect',
        'first send',
        'startBroker() to first produce',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const r of report.testBroker.results) {
      const p = r.phases;
      out.push(
        row([
          `${r.client === 'wire' ? 'wire client (Produce v0)' : 'kafkajs'}, ${r.createTopic ? 'created' : 'auto-created'} topic`,
          ...[p.loadBrokerMs, p.startBrokerMs, p.createTopicMs, p.loadClientMs, p.connectMs, p.firstSendMs].map((s) =>
            s.median.toFixed(1),
          ),
          `${p.startToFirstProduceMs.median.toFixed(1)} (${p.startToFirstProduceMs.min.toFixed(1)}-${p.startToFirstProduceMs.max.toFixed(1)})`,
        ]),
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main(process.argv[2] ?? 'report.json');
