import { apiKeyName } from '../protocol/api-keys';
import type { BrokerVersions, EngineVerdict, ProbeReport } from './probe';
import type { CodeSection, KafkaNodeApiSection, ParityReport, RunEnvironment } from './report';
import type { ScenarioStatus } from './runner';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1d1d1f; max-width: 1400px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .2em; } h3 { font-size: 1em; }
table { border-collapse: collapse; margin: .6em 0 1em; }
th, td { border: 1px solid #ccc; padding: .35em .7em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.pass, td.works, td.ok { background: #e6f4ea; } td.diff, td.error, td.fails, td.refused { background: #fde7e9; }
td.unsupported, td.not-assessed { background: #f1f1f1; color: #666; } td.partial, td.emulated, td.assumed { background: #fff4d6; }
td.unsupported-use { background: #fde7e9; }
p.verdict { padding: .6em .9em; border-left: 4px solid #888; background: #f7f7f7; }
p.verdict.works { border-color: #2e7d32; } p.verdict.partial { border-color: #b7791f; } p.verdict.fails { border-color: #c62828; }
pre { white-space: pre-wrap; margin: .3em 0 0; font-size: 12px; }
details summary { cursor: pointer; font-size: 12px; } .ranges { font-size: 12px; color: #444; }
.summary span { margin-right: 1.2em; } dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; } dt { font-weight: 600; }`;

function statusCounts(statuses: ScenarioStatus[]): string {
  const counts: Record<ScenarioStatus, number> = { pass: 0, diff: 0, unsupported: 0, error: 0 };
  for (const status of statuses) counts[status]++;
  return `${counts.pass} pass, ${counts.diff} diff, ${counts.unsupported} unsupported, ${counts.error} error`;
}

/** A result cell: status and time; a diff's first difference expands to all of them, other details show as is. */
function resultCell(
  column: string,
  result:
    | { status: ScenarioStatus; durationMs: number; detail: string | null; differences?: string[]; notes?: string[] }
    | undefined,
): string {
  if (!result) return '<td>-</td>';
  let detail = '';
  if (result.status === 'diff' && result.detail) {
    const all = result.differences && result.differences.length > 0 ? result.differences : [result.detail];
    detail = `<details><summary>${escapeHtml(all[0]!)}</summary><pre>${escapeHtml(all.join('\n'))}</pre></details>`;
  } else if (result.detail && result.status !== 'pass') {
    detail = `<pre>${escapeHtml(result.detail)}</pre>`;
  }
  const notes =
    (result.notes ?? []).length > 0
      ? `<details class="notes"><summary>notes</summary><pre>${escapeHtml(result.notes!.join('\n'))}</pre></details>`
      : '';
  return `<td class="${result.status}" data-backend="${escapeHtml(column)}"><strong>${result.status}</strong> ${(result.durationMs / 1000).toFixed(1)} s${detail}${notes}</td>`;
}

function matrix(
  id: string,
  columns: string[],
  rows: Array<{ id: string; title: string; cells: Parameters<typeof resultCell>[1][] }>,
): string {
  const header = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr data-scenario="${escapeHtml(row.id)}"><td><code>${escapeHtml(row.id)}</code><br>${escapeHtml(row.title)}</td>${row.cells.map((cell, i) => resultCell(columns[i]!, cell)).join('')}</tr>`,
    )
    .join('\n');
  // Per engine: what its column adds up to.
  const totals = columns
    .map((_c, i) => `<td>${statusCounts(rows.flatMap((row) => (row.cells[i] ? [row.cells[i]!.status] : [])))}</td>`)
    .join('');
  return `<table id="${id}"><thead><tr><th>scenario</th>${header}</tr></thead>
<tbody>
${body}
</tbody><tfoot><tr><th>per engine</th>${totals}</tr></tfoot></table>`;
}

function brokerRow(broker: BrokerVersions): string {
  const status = broker.status === 'answered' ? 'ok' : broker.status === 'unreachable' ? 'fails' : 'partial';
  const ranges = broker.apis.map((api) => `${apiKeyName(api.apiKey)} ${api.minVersion}-${api.maxVersion}`).join(', ');
  const what =
    broker.status === 'answered'
      ? `ApiVersions answered${broker.kip896 ? ' (Apache Kafka 4.x: KIP-896 minimums)' : ''}`
      : broker.status === 'unreachable'
        ? 'unreachable'
        : 'ApiVersions not supported';
  return `<tr><td><code>${escapeHtml(broker.address)}</code></td><td>${broker.nodeId ?? '-'}</td><td class="${status}">${escapeHtml(what)}${broker.detail ? `<pre>${escapeHtml(broker.detail)}</pre>` : ''}</td><td class="ranges">${escapeHtml(ranges || '-')}</td></tr>`;
}

function engineRow(verdict: EngineVerdict, label: string, key: string): string {
  return `<tr data-engine="${escapeHtml(key)}"><td>${escapeHtml(label)}<br><span class="ranges">${escapeHtml(verdict.engine)}</span></td><td class="${verdict.status}"><strong>${verdict.status}</strong></td><td>${escapeHtml(verdict.summary)}</td></tr>`;
}

function clusterSection(probe: ProbeReport | null | undefined): string {
  if (!probe) return '<section id="cluster"><h2>Cluster</h2><p>Not probed.</p></section>';
  const requests = probe.kafkaNode.checks
    .map((check) => {
      const status = check.accepted ? (check.assumed ? 'assumed' : 'ok') : 'refused';
      return `<tr><td>${escapeHtml(check.api)}</td><td>v${check.version}</td><td class="${status}">${status}${check.reason && !check.accepted ? `<pre>${escapeHtml(check.reason)}</pre>` : ''}</td><td>${escapeHtml(check.usedBy)}</td></tr>`;
    })
    .join('\n');
  return `<section id="cluster"><h2>Cluster: will today's kafka-node code work here?</h2>
<p class="verdict ${probe.kafkaNode.status}" id="verdict">${escapeHtml(probe.verdict)}</p>
<h3>Brokers</h3>
<table id="brokers"><thead><tr><th>broker</th><th>node</th><th>ApiVersions</th><th>versions offered</th></tr></thead><tbody>
${probe.brokers.map(brokerRow).join('\n')}
</tbody></table>
<h3>Engines on this cluster</h3>
<table id="engine-verdicts"><thead><tr><th>engine</th><th>status</th><th>why</th></tr></thead><tbody>
${[engineRow(probe.kafkaNode, 'kafka-node (today)', 'today'), ...probe.backends.map((b) => engineRow(b, `backend ${b.name}`, `backend:${b.name}`))].join('\n')}
</tbody></table>
<details id="requests"><summary>Requests ${escapeHtml(probe.kafkaNode.engine)} sends, and whether this cluster accepts them</summary>
<table><thead><tr><th>request</th><th>version</th><th>cluster</th><th>used by</th></tr></thead><tbody>
${requests}
</tbody></table></details></section>`;
}

function parityMatrices(report: ParityReport): string {
  const common = matrix(
    'parity',
    report.backends,
    report.scenarios.map((scenario) => ({
      id: scenario.id,
      title: scenario.title,
      cells: report.backends.map((backend) => scenario.results.find((r) => r.backend === backend)),
    })),
  );
  const { pass, diff, unsupported, error } = report.summary;
  const api: KafkaNodeApiSection | null | undefined = report.kafkaNodeApi;
  const apiPart = api
    ? `<h3>kafka-node API programs: the real kafka-node and the facade on each backend</h3>
<p class="summary" id="kafka-node-api-summary"><span>${api.summary.pass} pass</span><span>${api.summary.diff} diff</span><span>${api.summary.unsupported} unsupported</span><span>${api.summary.error} error</span></p>
${matrix(
  'kafka-node-api',
  api.engines,
  api.scenarios.map((scenario) => ({
    id: scenario.id,
    title: scenario.name,
    cells: api.engines.map((engine) => scenario.results.find((r) => r.engine === engine)),
  })),
)}`
    : '';
  return `<section id="engines"><h2>Does the code behave the same on the new engine?</h2>
<h3>Common interface scenarios</h3>
<p class="summary"><span>${pass} pass</span><span>${diff} diff</span><span>${unsupported} unsupported</span><span>${error} error</span></p>
${common}
${apiPart}</section>`;
}

function codeSection(code: CodeSection | null | undefined): string {
  if (!code)
    return `<section id="code"><h2>What in the code needs attention?</h2><p>No code scanned: run <code>kafka-node-adapter compat --scan &lt;dir&gt;</code> to list the emulated and unsupported uses here.</p></section>`;
  const rows = code.findings
    .map((finding) => {
      const what = finding.target ? `${finding.target}.${finding.name}` : finding.name;
      const status = finding.status === 'unsupported' ? 'unsupported-use' : finding.status;
      const warnings =
        finding.warnings.length > 0 ? finding.warnings.map((w) => `<code>${escapeHtml(w)}</code>`).join('<br>') : '-';
      const seen =
        finding.seenAtRunTime.length > 0 ? escapeHtml(finding.seenAtRunTime.join('; ')) : 'not raised in this run';
      return `<tr><td><code>${escapeHtml(`${finding.file}:${finding.line}`)}</code></td><td>${escapeHtml(finding.kind)} <code>${escapeHtml(what)}</code></td><td class="${status}">${escapeHtml(finding.status)}</td><td>${escapeHtml(finding.note)}</td><td>${warnings}</td><td>${seen}</td></tr>`;
    })
    .join('\n');
  const s = code.summary;
  return `<section id="code"><h2>What in the code needs attention?</h2>
<p>${escapeHtml(code.root)}: ${s.filesScanned} files scanned, ${s.filesUsingKafkaNode} use kafka-node; ${s.byStatus.emulated} emulated, ${s.byStatus.unsupported} unsupported, ${s.byStatus.supported} supported uses.</p>
<table id="findings"><thead><tr><th>where</th><th>use</th><th>status</th><th>what the facade does</th><th>warnings it reports</th><th>seen at run time</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function environmentSection(report: ParityReport, env: RunEnvironment | undefined): string {
  const items: Array<[string, string]> = [
    ['generated', report.generatedAt],
    ['brokers', `${report.brokers.join(', ')}${report.embeddedBroker ? ' (embedded broker)' : ''}`],
    ['backends', report.backends.join(', ')],
  ];
  if (env) {
    items.push(
      ['command', env.command],
      ['duration', `${(env.durationMs / 1000).toFixed(1)} s`],
      [
        'versions',
        `kafka-node-adapter ${env.adapterVersion}, kafka-node ${env.kafkaNodeVersion}, kafkajs ${env.kafkajsVersion}`,
      ],
      ['runtime', `Node ${env.node} on ${env.platform} ${env.arch}, ${env.cpus} CPUs`],
    );
  }
  return `<section id="environment"><h2>Run</h2><dl>${items.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl></section>`;
}

/**
 * A single self-contained page (no scripts, no network): the cluster and its verdicts, the scenario matrices with
 * expandable differences, the code findings, and the run's environment.
 */
export function renderHtmlReport(report: ParityReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kafka-node-adapter parity report</title><style>${STYLE}</style></head>
<body>
<h1>kafka-node-adapter parity report</h1>
<p>${escapeHtml(report.generatedAt)} &middot; brokers ${escapeHtml(report.brokers.join(', '))}${report.embeddedBroker ? ' (embedded broker)' : ''}</p>
${clusterSection(report.cluster)}
${parityMatrices(report)}
${codeSection(report.code)}
${environmentSection(report, report.environment)}
</body></html>
`;
}
