/**
 * The engines a kafka-node program can run on: the real kafka-node 5.0.0, or the facade over each backend. A
 * facade engine's module is the facade with its backend fixed in the classes that take connection options (the
 * others get theirs from the client), so engines can run side by side without KAFKA_NODE_BACKEND.
 */
import * as realKafkaNode from 'kafka-node';
import * as facade from '../../adapter';
import type { ConsumerGroupOptions, ConsumerGroupStreamOptions, KafkaClientOptions } from '../../adapter/types';
import { BACKEND_NAMES, type BackendName } from '../../common/types';

export type KafkaNodeModule = typeof realKafkaNode;

export type KafkaNodeApiEngine = 'kafka-node' | `facade:${BackendName}`;

/** The real kafka-node first (the reference), then the facade on every backend. */
export const KAFKA_NODE_API_ENGINES: readonly KafkaNodeApiEngine[] = [
  'kafka-node',
  ...BACKEND_NAMES.map((backend) => `facade:${backend}` as const),
];

export function backendOfEngine(engine: KafkaNodeApiEngine): BackendName | null {
  return engine === 'kafka-node' ? null : (engine.slice('facade:'.length) as BackendName);
}

function facadeOn(backend: BackendName): KafkaNodeModule {
  class KafkaClient extends facade.KafkaClient {
    constructor(options?: KafkaClientOptions) {
      super({ ...options, backend });
    }
  }
  class ConsumerGroup extends facade.ConsumerGroup {
    constructor(options: ConsumerGroupOptions, topics: string[] | string) {
      super({ ...options, backend }, topics);
    }
  }
  class ConsumerGroupStream extends facade.ConsumerGroupStream {
    constructor(options: ConsumerGroupStreamOptions, topics: string[] | string) {
      super({ ...options, backend }, topics);
    }
  }
  return { ...facade, KafkaClient, ConsumerGroup, ConsumerGroupStream } as unknown as KafkaNodeModule;
}

const facades = new Map<BackendName, KafkaNodeModule>();

export function kafkaModule(engine: KafkaNodeApiEngine): KafkaNodeModule {
  const backend = backendOfEngine(engine);
  if (backend === null) return realKafkaNode;
  let module = facades.get(backend);
  if (!module) facades.set(backend, (module = facadeOn(backend)));
  return module;
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
