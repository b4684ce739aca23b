import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { until } from '../helpers/poll';
import {
  closeMembersQuietly,
  DRIVERS,
  slug,
  type ClientDriver,
  type ScenarioMember,
  settleAndDrain,
  topicWithTwoMembers,
} from './drivers';
import {
  expectCommittedToEnd,
  expectNothingLost,
  report,
  resilientKafka,
  itSideBySide,
  StreamProducer,
  tally,
  type Print,
} from './harness';

// Scenario a: a 3-node cluster loses the leader of a replicated topic (replication factor 3, acks=-1) while a producer
// streams and a two-member group consumes. Leadership moves to an in-sync replica; clients find the new leader.
async function leaderFailover(driver: ClientDriver, print: Print): Promise<void> {
  const started = Date.now();
  const broker: EmbeddedBroker = await startEmbedded({ nodes: 3 });
  const members: ScenarioMember[] = [];
  try {
    const topic = `failover-${slug(driver)}`;
    const groupId = topic;
    const settings = { groupId, topic, sessionTimeoutMs: 6000, autoCommitIntervalMs: 500 };
    await topicWithTwoMembers(driver, broker.brokers, settings, members);
    const stream = new StreamProducer(driver.sender(broker.brokers), topic, 3);
    stream.start();
    await until(() => stream.acknowledged.size >= 150, 'a first stretch acknowledged');
    const leader = broker.cluster.getPartition(topic, 0)!.leader;
    await broker.stopNode(leader);
    const acknowledgedAtStop = stream.acknowledged.size;
    expect(broker.cluster.getPartition(topic, 0)!.leader, 'leadership moved to another replica').to.not.equal(leader);
    await until(
      () => stream.acknowledged.size >= acknowledgedAtStop + 300,
      'the stream to go on after the leader stopped',
      30000,
    );
    const consumed = () => members.flatMap((m) => m.messages);
    await settleAndDrain(stream, members, consumed);
    const result = tally(stream.counts, stream.acknowledged, consumed());
    report(
      'leader failover',
      driver.label,
      result,
      `stoppedNode=${leader} acknowledgedAfterStop=${stream.acknowledged.size - acknowledgedAtStop} runtimeMs=${Date.now() - started}`,
      print,
    );
    expectNothingLost(result, 450);
    for (const member of members.splice(0)) await member.close();
    await expectCommittedToEnd(resilientKafka(driver.backend, broker.brokers), groupId, topic);
  } finally {
    await closeMembersQuietly(members);
    await broker.stop();
  }
}

describe('reliability/leader failover', function () {
  this.timeout(90000);
  // Each driver has its own cluster: the six scenarios run side by side, each `it` awaits its own.
  itSideBySide(
    DRIVERS,
    (driver) =>
      `${driver.label}: every acknowledged message is consumed after the leader of a partition stops mid-stream`,
    leaderFailover,
  );
});
