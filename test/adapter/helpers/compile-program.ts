/**
 * Type-checks a TypeScript program the way an application using kafka-node would compile it, with 'kafka-node'
 * resolved normally (the real kafka-node 5 declarations) or mapped to another entry such as the facade.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { REPO_ROOT } from './run-example';

export interface CompileResult {
  /** One line per diagnostic: `file:line: message`, paths relative to the repository. */
  diagnostics: string[];
  /** The real path of the declarations 'kafka-node' resolved to from the first file. */
  kafkaNodeResolvedTo: string | undefined;
}

export function compileProgram(files: string[], kafkaNodeEntry?: string): CompileResult {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    // As the repository (and most applications) compile: kafka-node's own index.d.ts does not pass a full check
    // against current @types/node (ProducerStream._write).
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    ...(kafkaNodeEntry
      ? { baseUrl: REPO_ROOT, paths: { 'kafka-node': [path.relative(REPO_ROOT, kafkaNodeEntry)] } }
      : {}),
  };
  // The repository's ambient declarations (for untyped dependencies the facade's sources import).
  const ambient = fs
    .readdirSync(path.join(REPO_ROOT, 'src', 'types'))
    .map((name) => path.join(REPO_ROOT, 'src', 'types', name));
  const program = ts.createProgram([...files, ...ambient], options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.relative(REPO_ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '(global)';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  const resolved =
    files[0] === undefined
      ? undefined
      : ts.resolveModuleName('kafka-node', files[0], options, ts.sys).resolvedModule?.resolvedFileName;
  return { diagnostics, kafkaNodeResolvedTo: resolved && fs.realpathSync(resolved) };
}
