/**
 * Child-process entry: the embedded broker as a test broker, from a fresh process, as a test file starts it. Times
 * each phase up to the first acknowledged produce: loading the broker's modules, startBroker(), creating the topic
 * (or not: auto-creation), and the first produce, by a bare wire client (the project's own codec, one Produce v0
 * request on one socket) or by kafkajs (loading it, connecting, sending). Replies once with the phases and exits.
 */
import * as net from 'net';

export type StartupClient = 'wire' | 'kafkajs';

export interface StartupRequest {
  client: StartupClient;
  /** Create the topic through the broker's cluster first (true), or leave it to auto-creation on first use. */
  createTopic: boolean;
}

export interface StartupPhases {
  /** require() of the embedded broker's modules in a fresh process (not part of startBroker()). */
  loadBrokerMs: number;
  /** startBroker() until it listens. */
  startBrokerMs: number;
  createTopicMs: number;
  /** kafkajs only: require('kafkajs'). */
  loadClientMs: number;
  /** kafkajs only: producer.connect(). */
  connectMs: number;
  /** The first send until its acknowledgement (the wire client: its socket's connect included). */
  firstSendMs: number;
  /**
   * From the startBroker() call to the first acknowledgement: startBroker + createTopic + connect + send. Module
   * loading (broker and client) is left out: a test file loads its modules once, when it is loaded.
   */
  startToFirstProduceMs: number;
}

function since(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
}

/** One Produce v0 request (acks 1, magic 0 message) on a new socket; resolves with the partition's error code. */
function wireProduce(address: string, topic: string): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the clock starts, as the broker is */
  const { encodeRequestFrame } = require('../protocol/request-frame') as typeof import('../protocol/request-frame');
  const { encodeMessageSet } = require('../protocol/message-set') as typeof import('../protocol/message-set');
  const { Reader } = require('../protocol/primitives') as typeof import('../protocol/primitives');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const messageSet = encodeMessageSet([{ offset: 0, timestamp: -1, key: null, value: Buffer.from('first') }], {
    magic: 0,
  });
  const frame = encodeRequestFrame(0, 0, 1, 'kna-bench-startup', (writer) => {
    writer.int16(1).int32(10000);
    writer.array([topic], (w, name) =>
      w.string(name).array([0], (p, partition) => p.int32(partition).int32(messageSet.length).raw(messageSet)),
    );
  });
  const separator = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.slice(0, separator), port: Number(address.slice(separator + 1)) });
    let received = Buffer.alloc(0);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      // correlation id, [topic [partition error offset]]
      const reader = new Reader(received.subarray(8, 4 + received.readInt32BE(0)));
      reader.int32();
      reader.string();
      reader.int32();
      reader.int32();
      resolve(reader.int16());
    });
    socket.on('error', reject);
  });
}

async function probe(request: StartupRequest): Promise<StartupPhases> {
  const topic = 'kna-bench-startup';
  const loading = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startBroker, silentLogger } = require('../broker') as typeof import('../broker');
  const loadBrokerMs = since(loading);
  const starting = process.hrtime.bigint();
  const broker = await startBroker({ port: 0, logger: silentLogger });
  const startBrokerMs = since(starting);
  const creating = process.hrtime.bigint();
  if (request.createTopic) broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
  const createTopicMs = request.createTopic ? since(creating) : 0;
  let loadClientMs = 0;
  let connectMs = 0;
  let firstSendMs: number;
  if (request.client === 'wire') {
    const sending = process.hrtime.bigint();
    // An auto-created topic answers LEADER_NOT_AVAILABLE until its leader is there, as Kafka does: ask again.
    for (let attempt = 0; ; attempt++) {
      const errorCode = await wireProduce(broker.brokers[0]!, topic);
      if (errorCode === 0) break;
      if (attempt >= 100) throw new Error(`the first produce failed with error code ${errorCode}`);
    }
    firstSendMs = since(sending);
  } else {
    const loadingClient = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
    loadClientMs = since(loadingClient);
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
    const connecting = process.hrtime.bigint();
    await producer.connect();
    connectMs = since(connecting);
    const sending = process.hrtime.bigint();
    await producer.send({ topic, acks: 1, messages: [{ value: 'first' }] });
    firstSendMs = since(sending);
    await producer.disconnect();
  }
  await broker.stop();
  return {
    loadBrokerMs,
    startBrokerMs,
    createTopicMs,
    loadClientMs,
    connectMs,
    firstSendMs,
    startToFirstProduceMs: Math.round((startBrokerMs + createTopicMs + connectMs + firstSendMs) * 100) / 100,
  };
}

if (require.main === module && process.send) {
  process.once('message', (request: StartupRequest) => {
    probe(request).then(
      (phases) => process.send!({ type: 'phases', phases }, () => process.exit(0)),
      (error: unknown) => process.send!({ type: 'failed', error: String(error) }, () => process.exit(0)),
    );
  });
}
