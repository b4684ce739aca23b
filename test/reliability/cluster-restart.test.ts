import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { sleep, until } from '../helpers/poll';
import { closeMembersQuietly, DRIVERS, slug, type ClientDriver, type ScenarioMember, settleAndDrain } from './drivers';
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

const portsOf = (broker: EmbeddedBroker) =>
  broker.brokers.map((address) => Number(address.slice(address.lastIndexOf(':') + 1)));

// Scenario b: the whole 3-node cluster stops mid-stream and starts again from its data directory, on the same ports.
// Logs and committed offsets come back from disk; clients reconnect with their retry settings.
async function clusterRestart(driver: ClientDriver, print: Print): Promise<void> {
  const { backend } = driver;
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-restart-'));
  let broker: EmbeddedBroker = await startEmbedded({ nodes: 3, dataDir });
  const members: ScenarioMember[] = [];
  const groupId = `restart-${slug(driver)}`;
  const topic = groupId;
  try {
    const admin = resilientKafka(backend, broker.brokers).admin();
    await admin.connect();
    await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 3 }]);
    for (let i = 0; i < 2; i++)
      members.push(
        await driver.member(broker.brokers, { groupId, topic, sessionTimeoutMs: 6000, autoCommitIntervalMs: 300 }),
      );
    const stream = new StreamProducer(driver.sender(broker.brokers), topic, 3);
    stream.start();
    await until(
      () => stream.acknowledged.size >= 150 && members.every((m) => m.messages.length > 0),
      'a first stretch acknowledged and consumed',
    );
    await sleep(600); // at least one auto-commit of what was consumed so far
    const committedBefore = await admin.fetchCommittedOffsets(groupId, topic);
    await admin.disconnect();
    expect(
      committedBefore.some((c) => c.offset > 0),
      'something was committed before the restart',
    ).to.equal(true);

    const ports = portsOf(broker);
    const assignmentsBeforeRestart = members.map((m) => m.assignments.length);
    await broker.stop();
    const acknowledgedAtStop = stream.acknowledged.size;
    await sleep(1500);
    broker = await startEmbedded({ nodes: 3, ports, dataDir });
    const reopened = broker.cluster.getTopic(topic);
    expect(reopened?.partitions.length, 'the topic came back from disk').to.equal(3);
    const restoredEnds = reopened!.partitions.reduce((sum, p) => sum + p.log.logEndOffset, 0);
    expect(restoredEnds, 'every acknowledged message is in the reopened logs').to.be.at.least(acknowledgedAtStop);

    const checker = resilientKafka(backend, broker.brokers).admin();
    await checker.connect();
    const committedAfter = await checker.fetchCommittedOffsets(groupId, topic);
    await checker.disconnect();
    for (const before of committedBefore) {
      const after = committedAfter.find((c) => c.partition === before.partition);
      expect(after?.offset, `committed offset of partition ${before.partition} after the restart`).to.be.at.least(
        before.offset,
      );
    }

    // Group membership is not kept across the restart (offsets are): every member must notice and join again.
    await until(
      () => members.every((m, i) => m.assignments.length > assignmentsBeforeRestart[i]!),
      'every member to rejoin after the restart',
      30000,
    );
    await until(
      () => stream.acknowledged.size >= acknowledgedAtStop + 300,
      'the stream to go on after the restart',
      30000,
    );
    const consumed = () => members.flatMap((m) => m.messages);
    await settleAndDrain(stream, members, consumed);
    const result = tally(stream.counts, stream.acknowledged, consumed());
    report(
      'cluster restart',
      driver.label,
      result,
      `committedBefore=[${committedBefore.map((c) => c.offset).join(',')}] committedAfterRestart=[${committedAfter.map((c) => c.offset).join(',')}] runtimeMs=${Date.now() - started}`,
      print,
    );
    expectNothingLost(result, 450);
    for (const member of members.splice(0)) await member.close();
    await expectCommittedToEnd(resilientKafka(backend, broker.brokers), groupId, topic);
  } finally {
    await closeMembersQuietly(members);
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('reliability/cluster restart with dataDir', function () {
  this.timeout(90000);
  // Each driver has its own cluster and data directory: the six scenarios run side by side, each `it` awaits its own.
  itSideBySide(
    DRIVERS,
    (driver) => `${driver.label}: nothing acknowledged is lost and committed offsets survive a full restart`,
    clusterRestart,
  );
});
