import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

function sourceFiles(folder: string): string[] {
  const dir = path.join(SRC, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

interface Import {
  /** A package name, or a path relative to src/ without extension. */
  target: string;
  /** False for what the compiler erases: `import type`, imports whose every name is `type`, `typeof import(...)`. */
  runtime: boolean;
}

const everyNameIsType = (names: ts.NamedImports | ts.NamedExports): boolean =>
  names.elements.length > 0 && names.elements.every((name) => name.isTypeOnly);

const parsed = new Map<string, Import[]>();

/** Every module a file imports: import and export-from declarations, require(...) and import(...) anywhere in it. */
function importsOf(file: string): Import[] {
  const known = parsed.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(SRC, file), 'utf8'), ts.ScriptTarget.ES2022);
  const found: Import[] = [];
  const add = (specifier: ts.Node | undefined, runtime: boolean): void => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const name = specifier.text;
    const target = name.startsWith('.')
      ? path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), name))
      : name;
    found.push({ target, runtime });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            everyNameIsType(clause.namedBindings)));
      add(node.moduleSpecifier, !typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(
        node.moduleSpecifier,
        !(
          node.isTypeOnly ||
          (!!node.exportClause && ts.isNamedExports(node.exportClause) && everyNameIsType(node.exportClause))
        ),
      );
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, found);
  return found;
}

// The layering rules of the project: which folder (or top-level file) may not depend on what.
const FORBIDDEN: Record<string, RegExp> = {
  protocol:
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(broker|legacy|modern|confluent|adapter|common|compat|cli|bench)(\/|$)/,
  broker:
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|common|compat|cli|bench)(\/|$)/,
  common:
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  legacy: /^(kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(modern|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  modern:
    /^(kafka-node|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|confluent|adapter|broker|compat|cli|bench)(\/|$)/,
  confluent: /^(kafka-node|kafkajs)(\/|$)|^(legacy|modern|adapter|broker|compat|cli|bench)(\/|$)/,
  adapter: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|bench)(\/|$)/,
  compat: /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|adapter|bench)(\/|$)/,
  // The kafka-node API scenarios run one kafka-node program on the real kafka-node and on the facade: that part of
  // compat alone loads both (never a backend or a modern client library directly).
  'compat/kafka-node-api':
    /^(kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|bench|cli)(\/|$)/,
  // scan rates kafka-node code against the facade's table of warnings, of served deep requires and of refused internal
  // methods, nothing else of it.
  migration:
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|cli|bench)(\/|$)|^adapter\/(?!warnings$|deep-requires\/modules$|internal-methods$)/,
  // The bench measures the raw clients next to the layers built on them, so it alone may import every library;
  // it reaches the backends through createKafka only, and nothing below the CLI depends on it.
  bench: /^(legacy|modern|confluent|compat|cli)(\/|$)/,
  // createKafka picks a backend from the common config: it loads a backend, never a client library itself.
  'kafka.ts':
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(adapter|broker|compat|migration|cli|bench)(\/|$)/,
  // The package's main entry serves the facade, the common interface and the parity runner; the broker has its own
  // entry ('kafka-node-adapter/broker') and the backends load only through createKafka.
  'index.ts':
    /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker|migration|cli|bench)(\/|$)/,
};

describe('architecture: layering between src/ folders', () => {
  for (const [folderOrFile, forbidden] of Object.entries(FORBIDDEN)) {
    it(`src/${folderOrFile} imports none of ${forbidden.source.replace(/\(\\\/\|\$\)/g, '')}`, () => {
      // A subfolder with a rule of its own is checked by that rule only.
      const nested = Object.keys(FORBIDDEN).filter((other) => other.startsWith(`${folderOrFile}/`));
      const files = (folderOrFile.endsWith('.ts') ? [folderOrFile] : sourceFiles(folderOrFile)).filter(
        (file) => !nested.some((other) => file.startsWith(`${other}/`)),
      );
      expect(
        files.filter((file) => fs.existsSync(path.join(SRC, file))),
        `src/${folderOrFile} has sources`,
      ).to.have.length.greaterThan(0);
      const violations = files.flatMap((file) =>
        importsOf(file)
          .filter(({ target }) => forbidden.test(target))
          .map(({ target }) => `${file} -> ${target}`),
      );
      expect(violations).to.deep.equal([]);
    });
  }

  // The require hook only redirects module names; loading a backend or a client library from it would defeat that.
  it('src/register.ts imports none of kafka-node, kafkajs, @confluentinc/kafka-javascript, legacy, modern, confluent, broker', () => {
    const violations = importsOf('register.ts').filter(({ target }) =>
      /^(kafka-node|kafkajs|@confluentinc\/kafka-javascript)(\/|$)|^(legacy|modern|confluent|broker)(\/|$)/.test(
        target,
      ),
    );
    expect(violations).to.deep.equal([]);
  });
});

/** The file a relative import loads (path relative to src/), or null for a package. */
function resolvedFile(target: string): string | null {
  for (const candidate of [`${target}.ts`, path.join(target, 'index.ts')]) {
    if (!candidate.startsWith('..') && fs.existsSync(path.join(SRC, candidate))) return candidate;
  }
  return null;
}

/** Each cycle of the graph once, as the files along it (Tarjan's strongly connected components, files sorted). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, counter);
    lowLink.set(file, counter++);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        connect(next);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(next)!));
      } else if (stack.includes(next)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(next)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component = stack.splice(stack.indexOf(file));
    if (component.length > 1 || graph.get(file)?.includes(file)) components.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return components;
}

describe('architecture: no import cycles between src/ files', () => {
  // A cycle of runtime imports leaves one module seeing the other half-loaded (undefined exports) depending on which
  // is required first; type-only imports are erased by the compiler and cannot cause that.
  it('no src/ file reaches itself through runtime imports (import type excluded)', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles('')) {
      const targets = importsOf(file)
        .filter(({ runtime }) => runtime)
        .map(({ target }) => resolvedFile(target));
      graph.set(
        file,
        targets.filter((target): target is string => target !== null),
      );
    }
    expect(graph.size, 'src/ has sources').to.be.greaterThan(50);
    expect(cyclesOf(graph)).to.deep.equal([]);
  });
});
