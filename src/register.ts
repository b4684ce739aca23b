/**
 * `node -r kafka-node-adapter/register app.js`: requiring kafka-node in the application resolves to the facade
 * (src/adapter), so kafka-node code runs unchanged on the backend KAFKA_NODE_BACKEND (or the config file) chooses.
 * Deep requires the facade serves (kafka-node/logging, kafka-node/lib/errors...) resolve to its own modules; other
 * files inside kafka-node fail at require time with KafkaNodeModuleNotServedError. Requires of 'kafka-node' made by
 * the legacy backend itself, and by the real kafka-node's own files, still get the real kafka-node: that backend is
 * built on it.
 */
import Module from 'module';
import * as path from 'path';
import { KafkaNodeModuleNotServedError } from './adapter/errors';
import { KAFKA_NODE_PACKAGE, notServedMessage, servedDeepRequire } from './adapter/deep-requires/modules';

const FACADE_DIR = path.join(__dirname, 'adapter');
/** Folders whose requires of 'kafka-node' mean the real library. */
const REAL_KAFKA_NODE_USERS = [path.join(__dirname, 'legacy') + path.sep];
/** Files inside kafka-node that pass through to the real package (its version, read by some tools). */
const PASS_THROUGH = new Set(['package.json']);

interface ResolvableModule {
  _resolveFilename(
    request: string,
    parent: { filename?: string | null } | null | undefined,
    ...rest: unknown[]
  ): string;
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

/** The path inside kafka-node a request names: '' for the package, 'lib/errors' for 'kafka-node/lib/errors'. */
function kafkaNodeSubpath(request: string): string | undefined {
  if (request === KAFKA_NODE_PACKAGE) return '';
  return request.startsWith(`${KAFKA_NODE_PACKAGE}/`) ? request.slice(KAFKA_NODE_PACKAGE.length + 1) : undefined;
}

if (!registry[REGISTERED]) {
  registry[REGISTERED] = true;
  const resolve = moduleInternals._resolveFilename.bind(moduleInternals);
  moduleInternals._resolveFilename = function resolveKafkaNode(request, parent, ...rest) {
    const subpath = kafkaNodeSubpath(request);
    if (subpath === undefined || PASS_THROUGH.has(subpath) || wantsRealKafkaNode(parent?.filename))
      return resolve(request, parent, ...rest);
    const served = servedDeepRequire(subpath);
    if (served === undefined) throw new KafkaNodeModuleNotServedError(request, notServedMessage(subpath));
    return resolve(path.join(FACADE_DIR, served), parent, ...rest);
  };
}
