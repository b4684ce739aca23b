import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const REPO_ROOT = path.join(__dirname, '..', '..');
const PROGRAM = path.join(__dirname, 'facade-types', 'whole-api.ts');

/** Type errors of the program, with 'kafka-node' resolved normally or mapped to `facadeEntry`. */
function diagnosticsOf(facadeEntry?: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    ...(facadeEntry ? { baseUrl: REPO_ROOT, paths: { 'kafka-node': [path.relative(REPO_ROOT, facadeEntry)] } } : {}),
  };
  const ambient = fs.readdirSync(path.join(REPO_ROOT, 'src', 'types')).map((name) => path.join(REPO_ROOT, 'src', 'types', name));
  const program = ts.createProgram([PROGRAM, ...ambient], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(REPO_ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '(global)';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('adapter facade types: every class and method of kafka-node\'s declarations', function () {
  this.timeout(60000);

  it('the program is valid kafka-node 5 TypeScript', () => {
    expect(diagnosticsOf()).to.deep.equal([]);
  });

  it('it compiles unchanged against the facade', () => {
    expect(diagnosticsOf(path.join(REPO_ROOT, 'src', 'adapter', 'index.ts'))).to.deep.equal([]);
  });
});
