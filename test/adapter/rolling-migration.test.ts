/**
 * A rolling deploy from kafka-node to the facade on kafkajs, with no code change: a consumer group of 4 members starts
 * on the real kafka-node ConsumerGroup while a producer keeps sending keyed messages; one by one each member is closed
 * cleanly (commit, leave) and replaced by the same kafka-node-API ConsumerGroup served by the facade on kafkajs. At the
 * end every produced message was consumed, and none twice.
 */
import { expect } from 'chai';
import * as realKafkaNode from 'kafka-node';
import { callback, withKafkaNodeClient } from '../broker/differential/clients';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { kafkaModule, settle, withBackend, type KafkaNodeModule } from './helpers/kafka-modules';
import { sleep, until } from '../helpers/poll';
import { startRollingMember, type RollingMember } from './helpers/rolling-member';

const TOPIC = 'rolling-orders';
const GROUP = 'rolling-billing';
const PARTITIONS = 8;
const MEMBERS = 4;

type Member = RollingMember;

describe('adapter/rolling-migration: 4 kafka-node members replaced one by one by facade(kafkajs) members', function () {
  this.timeout(60000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
    const created = broker.cluster.createTopic({ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 });
    if (created.errorCode !== 0) throw new Error(`creating ${TOPIC}: error ${created.errorCode}`);
  });
  after(async () => {
    await broker?.stop();
  });

  it('every produced message is consumed exactly once across the 4 replacements', async () => {
    // "partition/offset" -> how many times a member handled it.
    const consumed = new Map<string, number>();
    const deliveries = new Map<string, string[]>();
    const consumedBy = { 'kafka-node': 0, 'facade:kafkajs': 0 };
    const produced = new Set<string>();
    const errors: string[] = [];
    let ignoredWhileClosing = 0;

    const startMember = (name: string, kafka: KafkaNodeModule, engine: keyof typeof consumedBy): Member =>
      startRollingMember(kafka, name, {
        kafkaHost: broker.bootstrap,
        groupId: GROUP,
        topic: TOPIC,
        heartbeatInterval: 300,
        onError: (error) => errors.push(`${name}: ${error.message}`),
        onIgnored: () => (ignoredWhileClosing += 1),
        onMessage: (message) => {
          const id = `${message.partition ?? -1}/${message.offset ?? -1}`;
          consumed.set(id, (consumed.get(id) ?? 0) + 1);
          deliveries.set(id, [...(deliveries.get(id) ?? []), `${name}@${Date.now() - startedAt}ms`]);
          consumedBy[engine] += 1;
        },
      });

    const startedAt = Date.now();
    const timeline: string[] = [];
    const members: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) members.push(startMember(`kafka-node-${i}`, realKafkaNode, 'kafka-node'));
    await until(() => members.every((m) => m.rebalances > 0), 'the 4 kafka-node members to join');

    // The producer: keyed messages, one send at a time, until told to stop.
    const client = new realKafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, requestTimeout: 10000 });
    const producer = new realKafkaNode.HighLevelProducer(client, { requireAcks: 1, partitionerType: 3 });
    await new Promise((resolve) => producer.once('ready', resolve));
    let producing = true;
    let sequence = 0;
    const producerLoop = (async () => {
      while (producing) {
        const key = `customer-${sequence % 13}`;
        const sent = await settle<Record<string, Record<string, number>>>((done) =>
          producer.send([{ topic: TOPIC, key, messages: [`order ${sequence}`] }], done),
        );
        if ('error' in sent) errors.push(`send: ${sent.error.message}`);
        else
          for (const [partition, offset] of Object.entries(sent.result[TOPIC]!)) produced.add(`${partition}/${offset}`);
        sequence += 1;
        await sleep(10);
      }
    })();

    await sleep(500);
    for (let i = 0; i < MEMBERS; i++) {
      const old = members[i]!;
      timeline.push(`close ${old.name}@${Date.now() - startedAt}ms`);
      old.closing = true;
      const closed = await settle((done) => old.group.close(true, (error: Error) => done(error, 'closed')));
      timeline.push(`closed ${old.name}@${Date.now() - startedAt}ms`);
      expect(closed, `${old.name} closed cleanly`).to.deep.equal({ result: 'closed' });
      const replacement = await withBackend('facade:kafkajs', async () =>
        startMember(`facade-kafkajs-${i}`, kafkaModule('facade:kafkajs'), 'facade:kafkajs'),
      );
      members[i] = replacement;
      await until(() => replacement.rebalances > 0, `${replacement.name} to join`);
      // Let the group work a while with this mix before the next replacement.
      await sleep(700);
    }

    producing = false;
    await producerLoop;
    await new Promise<void>((resolve) => producer.close(() => resolve()));
    await until(
      () => [...produced].every((id) => consumed.has(id)),
      'every produced message to be consumed',
      15000,
    ).catch(() => undefined);
    for (const member of members) {
      member.closing = true;
      await settle((done) => member.group.close(true, (error: Error) => done(error, 'closed')));
    }

    // The last members committed on close: the group's offsets are the ends of the partitions.
    const offsets = await withKafkaNodeClient(broker.bootstrap, async (offsetClient) => {
      const offset = new realKafkaNode.Offset(offsetClient);
      const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition }));
      const committed = await callback<Record<string, Record<string, number>>>((done) =>
        offset.fetchCommits(GROUP, partitions, done),
      );
      const latest = await callback<Record<string, Record<string, number>>>((done) =>
        offset.fetchLatestOffsets([TOPIC], done),
      );
      return { committed: committed[TOPIC], latest: latest[TOPIC] };
    });

    const lost = [...produced].filter((id) => !consumed.has(id));
    const duplicated = [...consumed].filter(([, times]) => times > 1);
    const unexpected = [...consumed.keys()].filter((id) => !produced.has(id));
    console.log(
      `      produced ${produced.size}, consumed ${consumed.size} (kafka-node ${consumedBy['kafka-node']}, facade:kafkajs ${consumedBy['facade:kafkajs']} deliveries),` +
        ` lost ${lost.length}, duplicated ${duplicated.length}; ${ignoredWhileClosing} delivered after close() began, not handled`,
    );
    expect(errors).to.deep.equal([]);
    expect(produced.size).to.be.greaterThan(100);
    expect(consumedBy['kafka-node'], 'the kafka-node members consumed before being replaced').to.be.greaterThan(0);
    expect(consumedBy['facade:kafkajs'], 'the facade members took over').to.be.greaterThan(0);
    expect(lost, 'lost messages').to.deep.equal([]);
    expect(
      duplicated.map(([id]) => `${id} by ${deliveries.get(id)!.join(', ')}`),
      `messages consumed twice (${timeline.join(', ')})`,
    ).to.deep.equal([]);
    expect(unexpected).to.deep.equal([]);
    expect(offsets.committed, 'committed offsets after the last close').to.deep.equal(offsets.latest);
  });
});
