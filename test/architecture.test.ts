import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');
const IMPORT = /(?:import\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|export\s[^'"]*?from\s*)['"]([^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  const dir = path.join(SRC, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** Every module a file imports, as a package name or a path relative to src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  return [...text.matchAll(IMPORT)].map(([, target]) =>
    target!.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), target!)) : target!,
  );
}

// The layering rules of the project: which folder may not depend on what.
const FORBIDDEN: Record<string, RegExp> = {
  protocol: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(broker|legacy|modern|confluent|adapter|common|compat|cli|bench)(\/|$)/,
  broker: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|common|compat|cli|bench)(\/|$)/,
  common: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  legacy: /^(kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(modern|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  modern: /^(kafka-node|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  confluent: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|adapter|broker|compat|cli|bench)(\/|$)/,
  adapter: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|bench)(\/|$)/,
  compat: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|bench)(\/|$)/,
  // scan rates kafka-node code against the facade's table of warnings, and nothing else of the facade.
  migration: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|cli|bench)(\/|$)|^adapter\/(?!warnings$)/,
  // The bench measures the raw clients next to the layers built on them, so it alone may import every library;
  // it reaches the backends through createKafka only, and nothing below the CLI depends on it.
  bench: /^(legacy|modern|confluent|compat|cli)(\/|$)/,
};

describe('architecture: layering between src/ folders', () => {
  for (const [folder, forbidden] of Object.entries(FORBIDDEN)) {
    it(`src/${folder} imports none of ${forbidden.source.replace(/\(\\\/\|\$\)/g, '')}`, () => {
      const files = sourceFiles(folder);
      if (folder !== 'adapter') expect(files, `src/${folder} has sources`).to.have.length.greaterThan(0);
      const violations = files.flatMap((file) => importsOf(file).filter((target) => forbidden.test(target)).map((target) => `${file} -> ${target}`));
      expect(violations).to.deep.equal([]);
    });
  }

  // The require hook only redirects module names; loading a backend or a client library from it would defeat that.
  it('src/register.ts imports none of kafka-node, kafkajs, @confluentinc/kafka-javascript, legacy, modern, confluent, broker', () => {
    const violations = importsOf('register.ts').filter((target) => /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker)(\/|$)/.test(target));
    expect(violations).to.deep.equal([]);
  });
});
