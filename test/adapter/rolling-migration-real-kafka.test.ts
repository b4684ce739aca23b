/**
 * The rolling migration of test/adapter/rolling-migration.test.ts on real Apache Kafka, then the move to Kafka 4.x.
 *
 * 1. On Kafka 3.9 (ZooKeeper mode), a consumer group of raw kafka-node 5.0.0 ConsumerGroup members reads while a
 *    kafka-node producer keeps sending keyed orders; one by one each member is closed cleanly (commit, leave) and
 *    replaced by the same kafka-node-API ConsumerGroup served by the facade on kafkajs.
 * 2. The group then moves to Kafka 4.x (KRaft), where only the kafkajs members can run. "Moves" means what a cluster
 *    migration tool such as MirrorMaker 2 does, done here in the open: the producer stops on 3.9; the topic's records
 *    are copied to the same partitions of the 4.x topic in offset order (both topics start empty, so every record
 *    keeps its offset, which the copy checks); the group's committed offsets on 3.9 are committed for the same group
 *    on 4.x; then the facade(kafkajs) members join there and the producer carries on there (the facade on kafkajs:
 *    kafka-node's own producer cannot produce to 4.x). A facade(kafka-node) member tried on 4.x gets the clear
 *    UnsupportedBrokerVersionError.
 *
 * Produced = every acknowledged send on either cluster (the copies are not new messages); consumed = handled by a
 * member on either cluster. Lost must be 0. A message handled twice is counted and printed with where it was handled:
 * the only possible cause is a member handling a message after its last commit (the new owner, or the 4.x members,
 * restart from the committed offset); every close here is clean and commits first, so the test requires 0, and no
 * copied record handled again on 4.x (which would mean the moved commits were not used).
 */
import { expect } from 'chai';
import * as realKafkaNode from 'kafka-node';
import { createKafka } from '../../src/kafka';
import type { ConsumedMessage } from '../../src/common/types';
import { KAFKA_39_VERSION, KAFKA_4_VERSION, sharedKafka39, sharedKafka4, type RealKafka } from '../fixtures/real-kafka';
import { kafkaModule, settle, withBackend, type KafkaNodeModule } from './helpers/kafka-modules';
import { startRollingMember, type RollingMember } from './helpers/rolling-member';
import { sleep, until } from '../helpers/poll';

const TOPIC = 'rolling-real-orders';
const GROUP = 'rolling-real-billing';
const PARTITIONS = 4;
const MEMBERS = 2;
/** Joins and reads on a loaded 2-core machine running two JVM clusters. */
const JOIN_TIMEOUT_MS = 60000;

type Member = RollingMember;

type Producer = realKafkaNode.HighLevelProducer;

describe(`adapter/rolling-migration on real Kafka: kafka-node members replaced by facade(kafkajs) on ${KAFKA_39_VERSION}, then the group moves to ${KAFKA_4_VERSION}`, function () {
  this.timeout(300000);
  let kafka39: RealKafka;
  let kafka4: RealKafka;

  before(async function () {
    [kafka39, kafka4] = await Promise.all([sharedKafka39(this), sharedKafka4(this)]);
    await Promise.all([kafka39.createTopic(TOPIC, PARTITIONS), kafka4.createTopic(TOPIC, PARTITIONS)]);
  });

  it('produced = consumed across the replacements and the move, lost 0, duplicates counted', async () => {
    const startedAt = Date.now();
    const at = (): string => `${Date.now() - startedAt}ms`;
    const produced = new Set<string>();
    const handled = new Map<string, string[]>();
    const handledBy = { 'kafka-node': 0, 'facade:kafkajs@3.9': 0, 'facade:kafkajs@4': 0 };
    const errors: string[] = [];
    const timeline: string[] = [];
    let ignoredWhileClosing = 0;

    const startMember = (
      bootstrap: string,
      name: string,
      kafka: KafkaNodeModule,
      engine: keyof typeof handledBy,
    ): Member =>
      startRollingMember(kafka, name, {
        kafkaHost: bootstrap,
        groupId: GROUP,
        topic: TOPIC,
        heartbeatInterval: 500,
        onError: (error) => errors.push(`${name}: ${error.message}`),
        onIgnored: () => (ignoredWhileClosing += 1),
        onMessage: (message) => {
          const value = String(message.value);
          handled.set(value, [...(handled.get(value) ?? []), `${name}@${at()}`]);
          handledBy[engine] += 1;
        },
      });
    const facadeMember = (bootstrap: string, name: string, engine: keyof typeof handledBy): Promise<Member> =>
      withBackend('facade:kafkajs', () =>
        Promise.resolve(startMember(bootstrap, name, kafkaModule('facade:kafkajs'), engine)),
      );
    const closeMember = async (member: Member): Promise<void> => {
      timeline.push(`close ${member.name}@${at()}`);
      member.closing = true;
      const closed = await settle((done) => member.group.close(true, (error: Error) => done(error, 'closed')), 30000);
      expect(closed, `${member.name} closed cleanly`).to.deep.equal({ result: 'closed' });
    };

    let sequence = 0;
    const runProducer = (producer: Producer): { stop(): Promise<void> } => {
      let producing = true;
      const loop = (async () => {
        while (producing) {
          const value = `order ${sequence}`;
          const key = `customer-${sequence % 13}`;
          sequence += 1;
          const sent = await settle<Record<string, Record<string, number>>>(
            (done) => producer.send([{ topic: TOPIC, key, messages: [value] }], done),
            30000,
          );
          if ('error' in sent) errors.push(`send ${value}: ${sent.error.message}`);
          else produced.add(value);
          await sleep(20);
        }
      })();
      return {
        stop: async () => {
          producing = false;
          await loop;
          await new Promise<void>((resolve) => producer.close(() => resolve()));
        },
      };
    };
    const readyProducer = async (kafka: KafkaNodeModule, bootstrap: string): Promise<Producer> => {
      const client = new kafka.KafkaClient({ kafkaHost: bootstrap, requestTimeout: 30000 });
      const producer = new kafka.HighLevelProducer(client, { requireAcks: 1, partitionerType: 3 });
      await new Promise((resolve, reject) => {
        producer.once('ready', resolve);
        producer.once('error', reject);
      });
      return producer;
    };

    // --- 1. on Kafka 3.9: kafka-node members replaced one by one under a running kafka-node producer ---------------
    const members: Member[] = [];
    for (let i = 0; i < MEMBERS; i++)
      members.push(startMember(kafka39.bootstrap, `kafka-node-${i}`, realKafkaNode, 'kafka-node'));
    await until(() => members.every((m) => m.rebalances > 0), 'the kafka-node members to join', JOIN_TIMEOUT_MS);
    const producer39 = runProducer(await readyProducer(realKafkaNode, kafka39.bootstrap));
    await sleep(1000);
    for (let i = 0; i < MEMBERS; i++) {
      await closeMember(members[i]!);
      const replacement = await facadeMember(kafka39.bootstrap, `facade-kafkajs-${i}`, 'facade:kafkajs@3.9');
      members[i] = replacement;
      await until(() => replacement.rebalances > 0, `${replacement.name} to join`, JOIN_TIMEOUT_MS);
      await sleep(1000);
    }
    await producer39.stop();
    const producedOn39 = produced.size;
    await until(
      () => [...produced].every((value) => handled.has(value)),
      'every message produced on 3.9 to be handled there',
      30000,
    ).catch(() => undefined);
    for (const member of members) await closeMember(member);

    // --- 2. the move: copy the records (same partitions, same offsets) and the group's commits to Kafka 4.x -------
    const source = createKafka({ backend: 'kafkajs', brokers: [kafka39.bootstrap], clientId: 'rolling-move' });
    const target = createKafka({ backend: 'kafkajs', brokers: [kafka4.bootstrap], clientId: 'rolling-move' });
    const sourceAdmin = source.admin();
    const targetAdmin = target.admin();
    await sourceAdmin.connect();
    await targetAdmin.connect();
    let copied = 0;
    try {
      const ends = (await sourceAdmin.fetchTopicOffsets(TOPIC)).sort((a, b) => a.partition - b.partition);
      const total = ends.reduce((sum, p) => sum + p.latest, 0);
      const copier = source.consumerGroup({
        groupId: `${GROUP}-copier`,
        topics: [TOPIC],
        fromOffset: 'earliest',
        autoCommit: false,
      });
      const records: ConsumedMessage[] = [];
      await copier.connect();
      await copier.run({ eachMessage: (message) => void records.push(message) });
      await until(
        () => records.length >= total,
        `the ${total} records of ${TOPIC} on ${KAFKA_39_VERSION}`,
        JOIN_TIMEOUT_MS,
      );
      await copier.close({ commit: false });
      const copyProducer = target.producer();
      await copyProducer.connect();
      try {
        for (let partition = 0; partition < PARTITIONS; partition++) {
          const inOrder = records.filter((r) => r.partition === partition).sort((a, b) => a.offset - b.offset);
          for (const record of inOrder) {
            const [result] = await copyProducer.send({
              topic: TOPIC,
              acks: -1,
              messages: [{ key: record.key, value: record.value, partition }],
            });
            expect(result, `copy of ${partition}/${record.offset}`).to.deep.include({
              partition,
              baseOffset: record.offset,
            });
            copied += 1;
          }
        }
      } finally {
        await copyProducer.disconnect();
      }
      const committed = (await sourceAdmin.fetchCommittedOffsets(GROUP, TOPIC)).sort(
        (a, b) => a.partition - b.partition,
      );
      expect(
        committed.map((c) => c.offset),
        'the group committed everything it handled on 3.9',
      ).to.deep.equal(ends.map((e) => e.latest));
      await targetAdmin.commitOffsets(GROUP, committed);
      timeline.push(
        `moved ${copied} records and the commits ${JSON.stringify(committed.map((c) => c.offset))}@${at()}`,
      );
    } finally {
      await sourceAdmin.disconnect();
      await targetAdmin.disconnect();
    }

    // --- 3. on Kafka 4.x: kafka-node cannot run; the facade(kafkajs) members and producer carry on --------------
    const refused = await withBackend('facade:kafka-node', async () => {
      const kafka = kafkaModule('facade:kafka-node');
      const group = new kafka.ConsumerGroup(
        { kafkaHost: kafka4.bootstrap, groupId: `${GROUP}-kafka-node-try`, fromOffset: 'earliest' },
        [TOPIC],
      );
      const error = await new Promise<Error>((resolve) => group.on('error', resolve));
      await settle((done) => group.close(false, (e: Error) => done(e, 'closed')));
      return error;
    });
    expect(refused.name, refused.message).to.equal('UnsupportedBrokerVersionError');

    const members4: Member[] = [];
    for (let i = 0; i < MEMBERS; i++)
      members4.push(await facadeMember(kafka4.bootstrap, `facade-kafkajs-4-${i}`, 'facade:kafkajs@4'));
    await until(() => members4.every((m) => m.rebalances > 0), 'the members on Kafka 4.x to join', JOIN_TIMEOUT_MS);
    const producer4 = runProducer(
      await withBackend('facade:kafkajs', () => readyProducer(kafkaModule('facade:kafkajs'), kafka4.bootstrap)),
    );
    await sleep(3000);
    await producer4.stop();
    await until(
      () => [...produced].every((value) => handled.has(value)),
      'every produced message to be handled',
      60000,
    ).catch(() => undefined);
    for (const member of members4) await closeMember(member);

    const lost = [...produced].filter((value) => !handled.has(value));
    const duplicated = [...handled].filter(([, by]) => by.length > 1);
    const unexpected = [...handled.keys()].filter((value) => !produced.has(value));
    // The moved commits hold: the members on 4.x start where the group left 3.9, so no copy is handled again there.
    const producedOn39Values = new Set([...produced].slice(0, producedOn39));
    const copiesHandledOn4 = [...handled].filter(
      ([value, by]) => producedOn39Values.has(value) && by.some((where) => where.startsWith('facade-kafkajs-4-')),
    );
    console.log(
      `      produced ${produced.size} (${producedOn39} on ${KAFKA_39_VERSION}, ${produced.size - producedOn39} on ${KAFKA_4_VERSION}), copied ${copied} records to ${KAFKA_4_VERSION};` +
        ` handled ${handled.size} (kafka-node ${handledBy['kafka-node']}, facade:kafkajs on ${KAFKA_39_VERSION} ${handledBy['facade:kafkajs@3.9']},` +
        ` on ${KAFKA_4_VERSION} ${handledBy['facade:kafkajs@4']} deliveries); lost ${lost.length}, handled twice ${duplicated.length}` +
        `${duplicated.length ? ` (${duplicated.map(([value, by]) => `${value} by ${by.join(', ')}`).join('; ')}: handled after the last commit, redelivered from the committed offset)` : ''};` +
        ` ${ignoredWhileClosing} delivered after close() began, not handled\n      ${timeline.join(', ')}`,
    );
    expect(errors).to.deep.equal([]);
    expect(producedOn39, 'produced on 3.9').to.be.greaterThan(20);
    expect(produced.size - producedOn39, 'produced on 4.x').to.be.greaterThan(10);
    expect(handledBy['kafka-node'], 'the kafka-node members handled messages before being replaced').to.be.greaterThan(
      0,
    );
    expect(handledBy['facade:kafkajs@4'], 'the members on 4.x handled the new production').to.be.greaterThan(0);
    expect(lost, 'lost messages').to.deep.equal([]);
    expect(unexpected).to.deep.equal([]);
    expect(
      copiesHandledOn4.map(([value]) => value),
      'messages of 3.9 handled again on 4.x (the commits did not move)',
    ).to.deep.equal([]);
    // Clean closes commit what was handled, so nothing is expected twice; a duplicate would be printed above with
    // the members that handled it.
    expect(
      duplicated.map(([value, by]) => `${value} by ${by.join(', ')}`),
      `handled twice (${timeline.join(', ')})`,
    ).to.deep.equal([]);
  });
});
