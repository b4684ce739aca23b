import type { Acks, BackendName } from '../common/types';

/** How a contender reaches Kafka: the client library itself, the common interface, or the kafka-node facade. */
export type ContenderKind = 'raw' | 'common' | 'facade';

export interface ContenderOptions {
  brokers: string[];
  clientId: string;
}

export interface ConsumeOptions {
  topic: string;
  groupId: string;
  /** Called with the values of every delivered message, batch by batch, in the contender's own delivery order. */
  onValues(values: Buffer[]): void;
}

/** A running group member; stop() leaves the group without committing. */
export interface Consumption {
  stop(): Promise<void>;
}

/**
 * One way of talking to Kafka, measured by the bench. Every contender sends plain values (no key, no headers, no
 * compression) to partition 0 of single-partition topics, so all of them move the same bytes. Topics are made and
 * removed by the bench itself (through the common interface's admin on the contender's backend), outside the timings.
 */
export interface Contender {
  connect(): Promise<void>;
  /** Sends `values` as one produce request (one batch) and resolves once acknowledged. */
  produce(topic: string, values: Buffer[], acks: Acks): Promise<void>;
  /**
   * Sends each value as a send of its own, all issued before any is awaited (as kafka-node programs fire sends
   * without waiting for their callbacks); resolves once all are acknowledged.
   */
  produceEach(topic: string, values: Buffer[], acks: Acks): Promise<void>;
  /** Joins `groupId` reading `topic` from the earliest offset; resolves once this member has its assignment. */
  consume(options: ConsumeOptions): Promise<Consumption>;
  close(): Promise<void>;
}

export type CreateContender = (options: ContenderOptions) => Contender;

export interface ContenderDefinition {
  /** Unique, stable: used on the command line, in tables and in JSON. */
  readonly name: string;
  readonly backend: BackendName;
  readonly kind: ContenderKind;
  /** An optional peer dependency the contender needs; without it installed the contender is left out by default. */
  readonly library?: string;
  /** Loads the contender's module only when it runs, so a worker process holds only its own client library. */
  load(): Promise<CreateContender>;
}
