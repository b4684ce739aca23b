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
  protocol: /^(kafka-node|kafkajs)(\/|$)|^(broker|legacy|modern|adapter|common|compat|cli|bench)(\/|$)/,
  broker: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|adapter|common|compat|cli|bench)(\/|$)/,
  common: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|adapter|broker|compat|cli|bench)(\/|$)/,
  legacy: /^kafkajs(\/|$)|^(modern|adapter|broker|compat|cli|bench)(\/|$)/,
  modern: /^kafka-node(\/|$)|^(legacy|adapter|broker|compat|cli|bench)(\/|$)/,
  adapter: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|broker|bench)(\/|$)/,
  compat: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|adapter|bench)(\/|$)/,
  // The kafka-node API scenarios run one kafka-node program on the real kafka-node and on the facade: that part of
  // compat alone loads both (never a backend or kafkajs directly).
  'compat/kafka-node-api': /^kafkajs(\/|$)|^(legacy|modern|broker|bench|cli)(\/|$)/,
  // scan rates kafka-node code against the facade's table of warnings, and nothing else of the facade.
  migration: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|broker|cli|bench)(\/|$)|^adapter\/(?!warnings$)/,
  // The bench measures the raw clients next to the layers built on them, so it alone may import both libraries;
  // it reaches the backends through createKafka only, and nothing below the CLI depends on it.
  bench: /^(legacy|modern|compat|cli)(\/|$)/,
};

describe('architecture: layering between src/ folders', () => {
  for (const [folder, forbidden] of Object.entries(FORBIDDEN)) {
    it(`src/${folder} imports none of ${forbidden.source.replace(/\(\\\/\|\$\)/g, '')}`, () => {
      // A subfolder with a rule of its own is checked by that rule only.
      const nested = Object.keys(FORBIDDEN).filter((other) => other.startsWith(`${folder}/`));
      const files = sourceFiles(folder).filter((file) => !nested.some((other) => file.startsWith(`${other}/`)));
      if (folder !== 'adapter') expect(files, `src/${folder} has sources`).to.have.length.greaterThan(0);
      const violations = files.flatMap((file) => importsOf(file).filter((target) => forbidden.test(target)).map((target) => `${file} -> ${target}`));
      expect(violations).to.deep.equal([]);
    });
  }

  // The require hook only redirects module names; loading a backend or a client library from it would defeat that.
  it('src/register.ts imports none of kafka-node, kafkajs, legacy, modern, broker', () => {
    const violations = importsOf('register.ts').filter((target) => /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|broker)(\/|$)/.test(target));
    expect(violations).to.deep.equal([]);
  });
});
