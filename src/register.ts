/**
 * `node -r kafka-node-adapter/register app.js`: requiring kafka-node in the application resolves to the facade
 * (src/adapter), so kafka-node code runs unchanged on the backend KAFKA_NODE_BACKEND (or the config file) chooses.
 * Requires of 'kafka-node' made by the legacy backend itself, and by the real kafka-node's own files, still get the
 * real kafka-node: that backend is built on it.
 */
import Module from 'module';
import * as path from 'path';

const FACADE_ENTRY = path.join(__dirname, 'adapter', 'index');
/** Folders whose requires of 'kafka-node' mean the real library. */
const REAL_KAFKA_NODE_USERS = [path.join(__dirname, 'legacy') + path.sep];

interface ResolvableModule {
  _resolveFilename(request: string, parent: { filename?: string | null } | null | undefined, ...rest: unknown[]): string;
}

const moduleInternals = Module as unknown as ResolvableModule;
const REGISTERED = Symbol.for('kafka-node-adapter.register');
const registry = globalThis as { [REGISTERED]?: boolean };

function wantsRealKafkaNode(parentFile: string | null | undefined): boolean {
  if (!parentFile) return false;
  if (REAL_KAFKA_NODE_USERS.some((folder) => parentFile.startsWith(folder))) return true;
  // kafka-node's own modules (and packages nested in it) requiring their package by name.
  return /[\\/]node_modules[\\/]kafka-node[\\/]/.test(parentFile);
}

if (!registry[REGISTERED]) {
  registry[REGISTERED] = true;
  const resolve = moduleInternals._resolveFilename.bind(moduleInternals);
  moduleInternals._resolveFilename = function resolveKafkaNode(request, parent, ...rest) {
    if (request === 'kafka-node' && !wantsRealKafkaNode(parent?.filename)) {
      return resolve(FACADE_ENTRY, parent, ...rest);
    }
    return resolve(request, parent, ...rest);
  };
}
