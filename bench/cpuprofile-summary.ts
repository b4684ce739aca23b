/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, as a Markdown table.
 *
 *   node -r ts-node/register/transpile-only bench/cpuprofile-summary.ts <file.cpuprofile> [top=25]
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : path.basename(url);
}

export function summarise(profile: Profile, top: number): string {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${where(url)}${url ? `:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  // Waiting, and the inspector session that drives the profiler, are not the client's work.
  const busy = total - (byFunction.get('(idle)') ?? 0) - (byFunction.get('dispatch') ?? 0);
  const rows = [...byFunction.entries()]
    .filter(([name]) => name !== '(idle)' && name !== 'dispatch')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const lines = ['| % of busy | self ms | function |', '| ---: | ---: | --- |'];
  for (const [name, us] of rows)
    lines.push(`| ${((us / busy) * 100).toFixed(1)} | ${(us / 1000).toFixed(0)} | ${name.replace(/\|/g, '\\|')} |`);
  return `${lines.join('\n')}\n\nbusy (sampled, without idle and the profiler's own dispatch): ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s\n`;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [top]');
  process.stdout.write(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(top ?? 25)));
}
