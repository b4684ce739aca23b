/**
 * The facade as JavaScript, the way users run it from the package's dist/: src/ transpiled (no type check, that is
 * `npm run typecheck`) into .build/test-js/<content hash>/src, once per content of src/. A program run through
 * ts-node loads the TypeScript compiler and compiles the facade again in every child process, which on a loaded
 * 2-core machine costs more than the program itself; tests that start many programs use this instead.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { REPO_ROOT } from './run-example';

const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => /\.(ts|json)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
}

let built: string | undefined;

/** The compiled src/register.js (what `node -r kafka-node-adapter/register` loads), built once per mocha process. */
export function compiledFacadeRegister(): string {
  built ??= build();
  return built;
}

function build(): string {
  const files = sourceFiles(SRC);
  const hash = createHash('sha256');
  for (const file of files)
    hash.update(path.relative(SRC, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  const root = path.join(REPO_ROOT, '.build', 'test-js', hash.digest('hex').slice(0, 16));
  const register = path.join(root, 'src', 'register.js');
  if (fs.existsSync(path.join(root, '.complete'))) return register;
  // Built beside, then renamed: another mocha process may be building the same content at the same time.
  const building = `${root}.${process.pid}.tmp`;
  fs.rmSync(building, { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(building, 'src', path.relative(SRC, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (file.endsWith('.json')) {
      fs.copyFileSync(file, target);
      continue;
    }
    const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        esModuleInterop: true,
        resolveJsonModule: true,
      },
    });
    fs.writeFileSync(target, output.outputText);
  }
  fs.writeFileSync(path.join(building, '.complete'), '');
  removeStaleBuilds(path.dirname(root));
  try {
    fs.renameSync(building, root);
  } catch {
    // Another process finished first: its copy is the same.
    fs.rmSync(building, { recursive: true, force: true });
  }
  return register;
}

/** Builds of older contents of src/ (untouched for an hour: no run still uses them). */
function removeStaleBuilds(dir: string): void {
  for (const entry of fs.readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (Date.now() - fs.statSync(full).mtimeMs > 3600000) fs.rmSync(full, { recursive: true, force: true });
  }
}
