/**
 * The engines a kafka-node program can run on: the real kafka-node 5.0.0, or the facade over each backend. The
 * facade reads its backend from KAFKA_NODE_BACKEND when a client is constructed, so a program runs inside
 * `withEngine`, one engine at a time.
 */
import * as realKafkaNode from 'kafka-node';
import * as facade from '../../adapter';
import { BACKEND_NAMES, type BackendName } from '../../common/types';

export type KafkaNodeModule = typeof realKafkaNode;

export type KafkaNodeApiEngine = 'kafka-node' | `facade:${BackendName}`;

/** The real kafka-node first (the reference), then the facade on every backend. */
export const KAFKA_NODE_API_ENGINES: readonly KafkaNodeApiEngine[] = ['kafka-node', ...BACKEND_NAMES.map((backend) => `facade:${backend}` as const)];

export function backendOfEngine(engine: KafkaNodeApiEngine): BackendName | null {
  return engine === 'kafka-node' ? null : (engine.slice('facade:'.length) as BackendName);
}

export function kafkaModule(engine: KafkaNodeApiEngine): KafkaNodeModule {
  return engine === 'kafka-node' ? realKafkaNode : (facade as unknown as KafkaNodeModule);
}

/** Runs `action` with KAFKA_NODE_BACKEND set for a facade engine (unset for the real kafka-node), then restores it. */
export async function withEngine<T>(engine: KafkaNodeApiEngine, action: () => Promise<T>): Promise<T> {
  const saved = process.env.KAFKA_NODE_BACKEND;
  const backend = backendOfEngine(engine);
  if (backend === null) delete process.env.KAFKA_NODE_BACKEND;
  else process.env.KAFKA_NODE_BACKEND = backend;
  try {
    return await action();
  } finally {
    if (saved === undefined) delete process.env.KAFKA_NODE_BACKEND;
    else process.env.KAFKA_NODE_BACKEND = saved;
  }
}
