import { expect } from 'chai';
import { KAFKA_4_VERSION, sharedKafka4Cluster, type RealKafka } from '../fixtures/real-kafka';
import { until } from '../helpers/poll';
import { closeMembersQuietly, DRIVERS, groupSettled, slug, type ScenarioMember } from './drivers';
import {
  drain,
  expectCommittedToEnd,
  expectNothingLost,
  report,
  resilientKafka,
  StreamProducer,
  tally,
} from './harness';

// Scenario a on a real cluster: three Apache Kafka 4.x nodes in KRaft mode (replication factor 3, min ISR 2). The JVM
// of the leader of partition 0 is killed with SIGKILL while a producer streams with acks=-1 and a two-member group
// consumes; the controller moves leadership to an in-sync replica and the clients must find it. The kafkajs and
// confluent drivers: Kafka 4.x refuses kafka-node's protocol versions. The killed node is started again before the next driver.
describe(`reliability/leader failover on Apache Kafka ${KAFKA_4_VERSION} (3 KRaft nodes, SIGKILL)`, function () {
  this.timeout(180000);
  let kafka: RealKafka;

  before(async function () {
    kafka = await sharedKafka4Cluster(this);
  });

  for (const driver of DRIVERS.filter((d) => d.backend !== 'kafka-node')) {
    it(`${driver.label}: every acknowledged message is consumed after the partition leader's JVM is killed mid-stream`, async () => {
      const started = Date.now();
      const members: ScenarioMember[] = [];
      const topic = `real-failover-${slug(driver)}-${Date.now().toString(36)}`;
      let killed: number | undefined;
      try {
        await kafka.createTopic(topic, 3, 3);
        for (let i = 0; i < 2; i++)
          members.push(
            await driver.member(kafka.brokers, {
              groupId: topic,
              topic,
              sessionTimeoutMs: 10000,
              autoCommitIntervalMs: 500,
            }),
          );
        const stream = new StreamProducer(driver.sender(kafka.brokers), topic, 3);
        stream.start();
        await until(() => stream.acknowledged.size >= 150, 'a first stretch acknowledged', 60000);
        killed = await kafka.leaderOf(topic, 0);
        await kafka.nodes.find((node) => node.id === killed)!.kill();
        const acknowledgedAtKill = stream.acknowledged.size;
        await until(
          () => stream.acknowledged.size >= acknowledgedAtKill + 300,
          'the stream to go on after the leader was killed',
          60000,
        );
        const newLeader = await kafka.leaderOf(topic, 0);
        expect(newLeader, 'leadership moved to another replica').to.not.equal(killed);
        await until(() => groupSettled(members), 'every member to consume from each partition it owns', 60000);
        await stream.stop();
        const consumed = () => members.flatMap((m) => m.messages);
        await drain(stream.acknowledged, consumed, 60000);
        const result = tally(stream.counts, stream.acknowledged, consumed());
        report(
          `real leader failover (Kafka ${KAFKA_4_VERSION})`,
          driver.label,
          result,
          `killedNode=${killed} newLeader=${newLeader} acknowledgedAfterKill=${stream.acknowledged.size - acknowledgedAtKill} runtimeMs=${Date.now() - started}`,
        );
        expectNothingLost(result, 450);
        for (const member of members.splice(0)) await member.close();
        await expectCommittedToEnd(resilientKafka(driver.backend, kafka.brokers), topic, topic);
      } finally {
        await closeMembersQuietly(members);
        // The cluster is shared with later tests: bring the killed node back (it catches up from the others).
        if (killed !== undefined) await kafka.nodes.find((node) => node.id === killed)!.restart();
      }
    });
  }
});
