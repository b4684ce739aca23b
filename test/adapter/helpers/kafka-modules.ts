/**
 * The `kafka` module object a kafka-node program gets from require('kafka-node'): the real kafka-node 5.0.0, or the
 * facade bound to one backend. Tests written against the kafka-node API take one of these and never know which.
 */
import * as path from 'path';
import {
  kafkaModule as engineModule,
  withEngine,
  type KafkaNodeModule,
} from '../../../src/compat/kafka-node-api/engines';
import { REPO_ROOT, type RunMode } from './run-example';

export type { KafkaNodeModule };

/** The facade's kafka-node entry (the package's `kafka-node-adapter/kafka-node`), as TypeScript in a checkout. */
export const FACADE_ENTRY = path.join(REPO_ROOT, 'src', 'adapter', 'index.ts');

/** The module for `mode` (the facade's chooses its backend inside `withBackend`). */
export function kafkaModule(mode: RunMode): KafkaNodeModule {
  return engineModule(mode);
}

/** Runs `action` with KAFKA_NODE_BACKEND set for a facade mode (unset for the real kafka-node), then restores it. */
export function withBackend<T>(mode: RunMode, action: () => Promise<T>): Promise<T> {
  return withEngine(mode, action);
}

export { describeError, settle } from '../../../src/compat/kafka-node-api/callbacks';
