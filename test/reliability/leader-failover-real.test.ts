import { expect } from 'chai';
import { KAFKA_4_VERSION, sharedKafka4Cluster, type RealKafka, type RealKafkaNode } from '../fixtures/real-kafka';
import { until } from '../helpers/poll';
import { closeMembersQuietly, DRIVERS, slug, type ClientDriver, type ScenarioMember, settleAndDrain } from './drivers';
import {
  expectCommittedToEnd,
  expectNothingLost,
  report,
  resilientKafka,
  SideBySide,
  StreamProducer,
  tally,
  type Print,
} from './harness';

/**
 * Runs `action` once, when each of `parties` has either arrived or left (a scenario that failed before that point);
 * every party that arrived gets the action's outcome. Nothing runs if none arrived.
 */
function rendezvous(parties: number, action: () => Promise<void>): { arrive(): Promise<void>; leave(): void } {
  let pending = parties;
  let arrived = 0;
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve)).then(() => (arrived > 0 ? action() : undefined));
  done.catch(() => undefined); // a failed action fails the parties that arrived, not the process
  const count = (): void => {
    if (--pending === 0) open();
  };
  return {
    arrive() {
      arrived++;
      count();
      return done;
    },
    leave: count,
  };
}

/** Three partitions, each on every node, partition 0 led by `leader` and the others led by the other nodes in turn. */
function replicasLedBy(kafka: RealKafka, leader: number): number[][] {
  const ids = kafka.nodes.map((node) => node.id);
  const from = ids.indexOf(leader);
  const ring = [...ids.slice(from), ...ids.slice(0, from)];
  return ring.map((_, partition) => [...ring.slice(partition), ...ring.slice(0, partition)]);
}

interface FailoverRun {
  kafka: RealKafka;
  /** The node leading partition 0 of every driver's topic: the one killed. */
  target: RealKafkaNode;
  kill: ReturnType<typeof rendezvous>;
}

async function realFailover(run: FailoverRun, driver: ClientDriver, print: Print): Promise<void> {
  const { kafka, target } = run;
  const started = Date.now();
  const members: ScenarioMember[] = [];
  const topic = `real-failover-${slug(driver)}-${Date.now().toString(36)}`;
  let arrived = false;
  try {
    await kafka.createTopic(topic, 3, 3, replicasLedBy(kafka, target.id));
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
    const killed = await kafka.leaderOf(topic, 0);
    expect(killed, 'the leader of partition 0, about to be killed').to.equal(target.id);
    arrived = true;
    await run.kill.arrive();
    const acknowledgedAtKill = stream.acknowledged.size;
    await until(
      () => stream.acknowledged.size >= acknowledgedAtKill + 300,
      'the stream to go on after the leader was killed',
      60000,
    );
    const newLeader = await kafka.leaderOf(topic, 0);
    expect(newLeader, 'leadership moved to another replica').to.not.equal(killed);
    const consumed = () => members.flatMap((m) => m.messages);
    await settleAndDrain(stream, members, consumed, 60000);
    const result = tally(stream.counts, stream.acknowledged, consumed());
    report(
      `real leader failover (Kafka ${KAFKA_4_VERSION})`,
      driver.label,
      result,
      `killedNode=${killed} newLeader=${newLeader} acknowledgedAfterKill=${stream.acknowledged.size - acknowledgedAtKill} runtimeMs=${Date.now() - started}`,
      print,
    );
    expectNothingLost(result, 450);
    for (const member of members.splice(0)) await member.close();
    await expectCommittedToEnd(resilientKafka(driver.backend, kafka.brokers), topic, topic);
  } finally {
    if (!arrived) run.kill.leave();
    await closeMembersQuietly(members);
  }
}

// Scenario a on a real cluster: three Apache Kafka 4.x nodes in KRaft mode (replication factor 3, min ISR 2). The JVM
// of the leader of partition 0 is killed with SIGKILL while a producer streams with acks=-1 and a two-member group
// consumes; the controller moves leadership to an in-sync replica and the clients must find it. The kafkajs and
// confluent drivers: Kafka 4.x refuses kafka-node's protocol versions. The drivers run side by side, each on its own
// topic whose partition 0 the same node leads: one kill, once every stream is under way, fails them all over at once.
// The killed node is started again after them all (in `after`), so the files that follow find a whole cluster.
describe(`reliability/leader failover on Apache Kafka ${KAFKA_4_VERSION} (3 KRaft nodes, SIGKILL)`, function () {
  this.timeout(180000);
  const drivers = DRIVERS.filter((d) => d.backend !== 'kafka-node');
  const scenarios = new SideBySide<ClientDriver>();
  let killedNode: RealKafkaNode | undefined;

  before(async function () {
    const kafka = await sharedKafka4Cluster(this);
    // Any node: which one leads (the active controller, the group coordinator or neither) varies from run to run.
    const target = kafka.nodes[Math.floor(Math.random() * kafka.nodes.length)]!;
    const kill = rendezvous(drivers.length, async () => {
      killedNode = target;
      await target.kill();
    });
    scenarios.start(drivers, (driver, print) => realFailover({ kafka, target, kill }, driver, print));
  });

  after(async function () {
    this.timeout(240000);
    await scenarios.settled();
    // The cluster is shared with later tests: bring the killed node back (it catches up from the others).
    if (killedNode) await killedNode.restart();
  });

  for (const driver of drivers)
    it(`${driver.label}: every acknowledged message is consumed after the partition leader's JVM is killed mid-stream`, () =>
      scenarios.outcome(driver));
});
