/**
 * The reason the facade exists: a broker that no longer accepts kafka-node's message format. librdkafka's mock
 * cluster accepts Produce only with record batches (magic 2) and answers kafka-node's Produce v0-2 message sets with
 * UNSUPPORTED_VERSION, like Apache Kafka 4. The same unchanged program (examples/01-keyed-producer.js) fails on the
 * real kafka-node and on the facade's kafka-node backend, and works on the facade's kafkajs backend.
 */
import { expect } from 'chai';
import { startOrSkip } from '../fixtures/processes';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { createPartitionChooser } from '../../src/common/partitioners';
import { describeRun, runExample, type RunMode } from './helpers/run-example';

const TOPIC_PARTITIONS = 3;

function expectedSuccess(): string {
  const keyed = createPartitionChooser('keyed');
  const next = new Map<number, number>();
  const lines = ['producer ready'];
  ['alice', 'bob', 'carol', 'alice'].forEach((key, i) => {
    const partition = keyed([0, 1, 2], Buffer.from(key));
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    lines.push(`order ${i + 1} key=${key} -> partition ${partition} offset ${offset}`);
  });
  return [...lines, 'sent 4 message(s)', 'producer closed', ''].join('\n');
}

describe("adapter/modern-only-broker: one program on a broker that refuses kafka-node's message format (librdkafka mock)", function () {
  this.timeout(60000);
  let mock: RdkafkaMock | undefined;

  before(async function () {
    mock = await startOrSkip(this, () => startRdkafkaMock());
  });
  after(async () => {
    await mock?.stop();
  });

  async function run(mode: RunMode, topic: string) {
    await mock!.createTopic({ name: topic, partitions: TOPIC_PARTITIONS });
    return runExample(mode, '01-keyed-producer.js', {
      env: { KAFKA_HOST: mock!.bootstrap, EXAMPLE_TOPIC: topic, EXAMPLE_COUNT: '4' },
      timeoutMs: 30000,
    });
  }

  for (const mode of ['kafka-node', 'facade:kafka-node'] as const) {
    it(`${mode}: connects, then the first send fails (the broker answers UNSUPPORTED_VERSION) and the program exits 1`, async () => {
      const result = await run(mode, `refused-${mode.replace(':', '-')}`);
      expect(result.code, describeRun(mode, result)).to.equal(1);
      const lines = result.stdout.split('\n');
      expect(lines[0]).to.equal('producer ready');
      expect(lines[1], describeRun(mode, result)).to.match(/^send failed: /);
      expect(result.stdout).to.not.match(/^order /m);
      // kafka-node has no name for error 35 and reports an empty message; the facade says what happened.
      if (mode === 'facade:kafka-node')
        expect(lines[1]!.length, lines[1]).to.be.greaterThan('send failed: '.length + 10);
    });
  }

  it("facade:kafkajs: the same program sends every order, to the keyed partitioner's partitions", async () => {
    const result = await run('facade:kafkajs', 'accepted-facade-kafkajs');
    expect(result.code, describeRun('facade:kafkajs', result)).to.equal(0);
    expect(result.stdout).to.equal(expectedSuccess());
  });
});
