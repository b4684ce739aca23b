import type { ParityReport } from './report';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.4em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .35em .7em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.pass { background: #e6f4ea; } td.diff { background: #fde7e9; } td.error { background: #fde7e9; } td.unsupported { background: #f1f1f1; color: #666; }
pre { white-space: pre-wrap; margin: .3em 0 0; font-size: 12px; }
.summary span { margin-right: 1.2em; }`;

/** A single self-contained page (no scripts, no network) with the scenario x backend table and every difference. */
export function renderHtmlReport(report: ParityReport): string {
  const header = report.backends.map((b) => `<th>${escapeHtml(b)}</th>`).join('');
  const rows = report.scenarios
    .map((scenario) => {
      const cells = report.backends
        .map((backend) => {
          const result = scenario.results.find((r) => r.backend === backend);
          if (!result) return '<td>-</td>';
          const detail = result.detail && result.status !== 'pass' ? `<pre>${escapeHtml(result.detail)}</pre>` : '';
          return `<td class="${result.status}" data-backend="${escapeHtml(backend)}"><strong>${result.status}</strong> ${(result.durationMs / 1000).toFixed(1)} s${detail}</td>`;
        })
        .join('');
      return `<tr data-scenario="${escapeHtml(scenario.id)}"><td><code>${escapeHtml(scenario.id)}</code><br>${escapeHtml(scenario.title)}</td>${cells}</tr>`;
    })
    .join('\n');
  const { pass, diff, unsupported, error } = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kafka-node-adapter parity report</title><style>${STYLE}</style></head>
<body>
<h1>kafka-node-adapter parity report</h1>
<p>${escapeHtml(report.generatedAt)} &middot; brokers ${escapeHtml(report.brokers.join(', '))}${report.embeddedBroker ? ' (embedded broker)' : ''}</p>
<p class="summary"><span>${pass} pass</span><span>${diff} diff</span><span>${unsupported} unsupported</span><span>${error} error</span></p>
<table id="parity"><thead><tr><th>scenario</th>${header}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
