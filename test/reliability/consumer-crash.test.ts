import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { ConsumedMessage } from '../../src/common/types';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { until } from '../helpers/poll';
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

const SESSION_TIMEOUT_MS = 6000;
const AUTO_COMMIT_INTERVAL_MS = 1000;
const ROOT = path.join(__dirname, '..', '..');

interface ChildMember {
  process: ChildProcess;
  messages: ConsumedMessage[];
  assignments: string[][];
  stderr: string;
}

function spawnMember(options: Record<string, unknown>): ChildMember {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', path.join(__dirname, 'crash-member.ts'), JSON.stringify(options)],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const member: ChildMember = { process: child, messages: [], assignments: [], stderr: '' };
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as {
        assigned?: string[];
        p?: number;
        o?: number;
        v?: string;
      };
      buffered = buffered.slice(newline + 1);
      if (line.assigned) member.assignments.push(line.assigned);
      else
        member.messages.push({
          topic: '',
          partition: line.p!,
          offset: line.o!,
          key: null,
          value: Buffer.from(line.v ?? ''),
          timestamp: 0,
          headers: {},
        });
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (member.stderr += chunk.toString()));
  return member;
}

/** Offsets each partition's consumers handled, for the "nothing skipped" check: 0..end-1 with no gap. */
function missingOffsets(consumed: readonly ConsumedMessage[], ends: Map<number, number>): string[] {
  const seen = new Set(consumed.map((m) => `${m.partition}@${m.offset}`));
  const missing: string[] = [];
  for (const [partition, end] of ends)
    for (let offset = 0; offset < end; offset++)
      if (!seen.has(`${partition}@${offset}`)) missing.push(`${partition}@${offset}`);
  return missing;
}

// Scenario c: a three-member group where one member runs in a child process that is killed with SIGKILL (no LeaveGroup,
// no final commit). After the session timeout its partitions go to the survivors, which resume from its last commit.
async function consumerCrash(driver: ClientDriver, print: Print): Promise<void> {
  const { backend } = driver;
  const started = Date.now();
  const broker: EmbeddedBroker = await startEmbedded();
  const members: ScenarioMember[] = [];
  const groupId = `crash-${slug(driver)}`;
  const topic = groupId;
  let child: ChildMember | null = null;
  try {
    const admin = resilientKafka(backend, broker.brokers).admin();
    await admin.connect();
    await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1 }]);
    const stream = new StreamProducer(driver.sender(broker.brokers), topic, 3);
    stream.start();
    const settings = {
      groupId,
      topic,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS,
    };
    for (let i = 0; i < 2; i++) members.push(await driver.member(broker.brokers, settings));
    child = spawnMember({
      driver: driver.kind,
      backend,
      brokers: broker.brokers,
      groupId,
      topic,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS,
    });
    const crashing = child;
    await until(
      () => (crashing.assignments.at(-1)?.length ?? 0) > 0 && members.every((m) => m.current().length === 1),
      'three members with a partition each',
      // The child compiles the sources as it starts: on two loaded cores that alone can take half a minute.
      60000,
    ).catch((error: Error) => {
      const exit = crashing.process.exitCode ?? crashing.process.signalCode ?? 'none';
      const seen = `child assignments ${JSON.stringify(crashing.assignments)}, child exit ${exit}, members' assignments ${JSON.stringify(members.map((m) => m.assignments))}`;
      throw new Error(`${error.message} (${seen}; child stderr: ${crashing.stderr.slice(-2000) || 'empty'})`);
    });
    const childPartitions = crashing.assignments.at(-1)!.map((tp) => Number(tp.split('/')[1]));
    const handledBefore = crashing.messages.length;
    await until(
      () => crashing.messages.length >= handledBefore + 30,
      'the child to handle messages of its partition',
      15000,
    );
    await new Promise((resolve) => setTimeout(resolve, AUTO_COMMIT_INTERVAL_MS + 300));

    crashing.process.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => crashing.process.once('exit', resolve));
    const committedAtKill = new Map(
      (await admin.fetchCommittedOffsets(groupId, topic)).map((c) => [c.partition, c.offset]),
    );
    const childHandledAfterCommit = crashing.messages.filter(
      (m) => childPartitions.includes(m.partition) && m.offset >= (committedAtKill.get(m.partition) ?? 0),
    ).length;

    await until(
      () => new Set(members.flatMap((m) => m.current())).size === 3,
      'the survivors to take over every partition',
      30000,
    );
    const reassignedAfterMs = Date.now() - killedAt;
    const acknowledgedAtTakeover = stream.acknowledged.size;
    await until(
      () => stream.acknowledged.size >= acknowledgedAtTakeover + 150,
      'the stream to go on after the takeover',
      20000,
    );
    const consumed = () => [...crashing.messages, ...members.flatMap((m) => m.messages)];
    await settleAndDrain(stream, members, consumed);
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.latest]));
    await admin.disconnect();

    const all = consumed();
    const result = tally(stream.counts, stream.acknowledged, all);
    const childOffsets = new Set(crashing.messages.map((m) => `${m.partition}@${m.offset}`));
    const counts = new Map<string, number>();
    for (const m of all) counts.set(`${m.partition}@${m.offset}`, (counts.get(`${m.partition}@${m.offset}`) ?? 0) + 1);
    const redeliveredOffsets = [...counts].filter(([, count]) => count > 1).map(([offset]) => offset);
    report(
      'consumer crash',
      driver.label,
      result,
      `childPartitions=[${childPartitions.join(',')}] childHandled=${crashing.messages.length} childUncommitted=${childHandledAfterCommit} ` +
        `reassignedAfterMs=${reassignedAfterMs} runtimeMs=${Date.now() - started}`,
      print,
    );
    expectNothingLost(result, 300);
    expect(missingOffsets(all, ends), 'offsets no member handled').to.deep.equal([]);
    for (const offset of redeliveredOffsets) {
      const [partition, at] = offset.split('@').map(Number) as [number, number];
      expect(childOffsets.has(offset), `${offset} was delivered twice, but not to the crashed member`).to.equal(true);
      expect(at, `${offset} was delivered again although it was committed`).to.be.at.least(
        committedAtKill.get(partition) ?? 0,
      );
    }
    expect(
      result.redelivered,
      'redelivery is bounded by what the crashed member handled since its last commit',
    ).to.be.at.most(childHandledAfterCommit);
    expect(reassignedAfterMs, 'reassignment waits for the session timeout').to.be.at.least(SESSION_TIMEOUT_MS - 1500);
    for (const member of members.splice(0)) await member.close();
    await expectCommittedToEnd(resilientKafka(backend, broker.brokers), groupId, topic);
  } finally {
    if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await closeMembersQuietly(members);
    await broker.stop();
  }
}

describe('reliability/consumer crash', function () {
  this.timeout(120000);
  // Each driver has its own broker and crashing child: the scenarios run side by side, each `it` awaits its own. At
  // most three at once: each child process compiles the sources as it starts, and two cores are shared.
  itSideBySide(
    DRIVERS,
    (driver) =>
      `${driver.label}: a SIGKILLed member's partitions are reassigned after the session timeout; nothing skipped`,
    consumerCrash,
    3,
  );
});
