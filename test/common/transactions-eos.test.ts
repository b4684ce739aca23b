import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { startEmbedded } from '../fixtures/embedded';
import { KAFKA_4_VERSION, sharedKafka4 } from '../fixtures/real-kafka';
import type { Backend } from '../../src/common/types';
import { closeQuietly, modernBackend, startMember, until, type Member } from '../modern/helpers';

// Exactly-once consume-transform-produce across a crash: a child process reads topic A and, per record, writes the
// transformed record to B and commits the group's offset in one transaction. After 15 commits it writes one more
// record and stops before committing; then it is killed with SIGKILL (no goodbye: its open transaction and group
// membership are simply abandoned), and started again with the same transactional id and group. read_committed readers of B must see every result exactly once: the restarted
// instance fences the dead one and aborts what it left open, and resumes after the last committed offset.
// On the embedded broker and on real Apache Kafka 4.x (whose outcome it must match); not on the librdkafka 2.0.2 mock,
// which writes no markers and never applies transactional offsets (see test/common/transactions.test.ts).
const PIPELINE = path.join(__dirname, '..', 'fixtures', 'eos-pipeline.ts');
const TOTAL = 60;

interface Pipeline {
  child: ChildProcess;
  commits: number;
  hanging: boolean;
  output: string[];
  exited: Promise<number | null>;
}

function startPipeline(args: string[]): Pipeline {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', PIPELINE, ...args], {
    env: {
      ...process.env,
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pipeline: Pipeline = {
    child,
    commits: 0,
    hanging: false,
    output: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      pipeline.output.push(line);
      if (line.startsWith('committed ')) pipeline.commits++;
      if (line === 'hanging') pipeline.hanging = true;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => pipeline.output.push(chunk.toString()));
  return pipeline;
}

interface Target {
  name: string;
  /** Brokers, and a stop for what was started for this file only. */
  start(context: Mocha.Context): Promise<{ brokers: string[]; stop(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'embedded broker',
    async start() {
      const broker = await startEmbedded();
      return { brokers: broker.brokers, stop: () => broker.stop() };
    },
  },
  {
    name: `Apache Kafka ${KAFKA_4_VERSION} (KRaft)`,
    async start(context) {
      // Shared with the other files of the run: this file's topics, group and transactional ids are its own.
      const kafka = await sharedKafka4(context);
      return { brokers: kafka.brokers, stop: async () => undefined };
    },
  },
];

for (const target of TARGETS)
  describe(`transactions: exactly-once consume-transform-produce across a SIGKILL, ${target.name}`, function () {
    this.timeout(60000);
    let broker: { brokers: string[]; stop(): Promise<void> } | undefined;
    let backend: Backend;
    // Unique per run, so a shared cluster never holds a previous file's state under these names.
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const [source, sink, groupId, transactionalId] = ['eos-a', 'eos-b', 'eos-group', 'eos-pipeline'].map(
      (name) => `${name}-${run}`,
    );
    const running: Pipeline[] = [];
    const members: Member[] = [];

    before(async function () {
      this.timeout(240000);
      broker = await target.start(this);
      backend = modernBackend(broker.brokers);
    });
    after(async () => {
      for (const pipeline of running) pipeline.child.kill('SIGKILL');
      await closeQuietly(members.map((m) => m.group));
      await broker?.stop();
    });

    it('B holds each result exactly once for read_committed readers after a kill and a restart', async () => {
      const admin = backend.admin();
      await admin.connect();
      await admin.createTopics([
        { topic: source, numPartitions: 2 },
        { topic: sink, numPartitions: 2 },
      ]);
      await admin.disconnect();
      const producer = backend.producer({ partitioner: 'keyed' });
      await producer.connect();
      await producer.send({
        topic: source,
        messages: Array.from({ length: TOTAL }, (_, i) => ({ key: `k${i % 7}`, value: `r${i}` })),
      });
      await producer.disconnect();

      const args = [broker!.brokers.join(','), source, sink, groupId, transactionalId];
      const first = startPipeline([...args, '15']);
      running.push(first);
      await until(() => first.hanging || first.child.exitCode !== null, '15 commits and an open transaction', 30000);
      expect(first.child.exitCode, first.output.join('\n')).to.equal(null);
      expect(first.commits).to.equal(15);
      first.child.kill('SIGKILL');
      await first.exited;

      const second = startPipeline(args);
      running.push(second);
      const [reader, uncommitted] = await Promise.all(
        (['read_committed', 'read_uncommitted'] as const).map((isolationLevel) =>
          startMember(backend, {
            groupId: `eos-${isolationLevel}-${run}`,
            topics: [sink],
            fromOffset: 'earliest',
            isolationLevel,
          }),
        ),
      );
      members.push(reader!, uncommitted!);
      await until(() => reader!.messages.length >= TOTAL || second.child.exitCode !== null, `${TOTAL} results`, 35000);
      // Let anything duplicated show up before judging.
      await new Promise((resolve) => setTimeout(resolve, 500));
      second.child.kill('SIGKILL');
      await second.exited;

      const results = reader!.messages.map((m) => m.value!.toString());
      const expected = Array.from({ length: TOTAL }, (_, i) => `r${i}:transformed`);
      expect([...results].sort(), second.output.slice(-5).join('\n')).to.deep.equal([...expected].sort());
      expect(second.commits, 'the restarted instance did the rest, the abandoned record again included').to.equal(
        TOTAL - 15,
      );
      // The abandoned transaction's record is in B, aborted: read_uncommitted readers get it twice.
      await until(() => uncommitted!.messages.length === TOTAL + 1, `${TOTAL + 1} records for read_uncommitted`);
    });
  });
