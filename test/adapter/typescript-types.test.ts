/**
 * A TypeScript application written against kafka-node's own type declarations (test/adapter/fixtures/ts-app) must
 * compile unchanged when 'kafka-node' resolves to the facade. It is first compiled against the real kafka-node
 * types, which shows the program is genuine kafka-node code (and not written to the facade's types).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { compileProgram } from './helpers/compile-program';
import { FACADE_ENTRY } from './helpers/kafka-modules';
import { REPO_ROOT } from './helpers/run-example';

const APP_DIR = path.join(__dirname, 'fixtures', 'ts-app');
const APP_FILES = fs
  .readdirSync(APP_DIR)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => path.join(APP_DIR, name));

describe('adapter/typescript-types: a program typed against kafka-node compiles against the facade', function () {
  this.timeout(60000);

  it('the program compiles against the real kafka-node 5.0.0 declarations (it is genuine kafka-node code)', () => {
    const { diagnostics, kafkaNodeResolvedTo } = compileProgram(APP_FILES);
    expect(kafkaNodeResolvedTo).to.equal(
      fs.realpathSync(path.join(REPO_ROOT, 'node_modules', 'kafka-node', 'types', 'index.d.ts')),
    );
    expect(diagnostics).to.deep.equal([]);
    const source = APP_FILES.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    for (const name of ['KafkaClient', 'Producer', 'ConsumerGroup', 'KeyedMessage', 'Message', 'ProduceRequest']) {
      expect(source, `the app imports ${name}`).to.match(
        new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from 'kafka-node'`),
      );
    }
  });

  it("the same program compiles with zero diagnostics when 'kafka-node' maps to the facade", () => {
    const entry = FACADE_ENTRY;
    const { diagnostics, kafkaNodeResolvedTo } = compileProgram(APP_FILES, entry);
    expect(kafkaNodeResolvedTo).to.equal(fs.realpathSync(entry));
    expect(diagnostics).to.deep.equal([]);
  });

  it('a type error in kafka-node terms is still caught through the facade (the mapping does not erase types)', () => {
    const entry = FACADE_ENTRY;
    const broken = path.join(APP_DIR, '..', 'ts-app-broken.generated.ts');
    fs.writeFileSync(
      broken,
      "import { KafkaClient, Producer } from 'kafka-node';\nnew Producer(new KafkaClient({ kafkaHost: 42 }));\n",
    );
    try {
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: ts.ModuleKind.CommonJS,
        types: ['node'],
        typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
      };
      const errorsWith = (paths?: Record<string, string[]>) =>
        ts
          .getPreEmitDiagnostics(
            ts.createProgram([broken], { ...options, ...(paths ? { baseUrl: REPO_ROOT, paths } : {}) }),
          )
          .filter((d) => d.file?.fileName === broken).length;
      expect(errorsWith(), 'real kafka-node rejects kafkaHost: number').to.be.greaterThan(0);
      expect(
        errorsWith({ 'kafka-node': [path.relative(REPO_ROOT, entry)] }),
        'the facade rejects kafkaHost: number',
      ).to.be.greaterThan(0);
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });
});
