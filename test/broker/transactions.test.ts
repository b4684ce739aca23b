import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { MemoryLogger } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { ControlRecordType, controlRecordType } from '../../src/protocol/control-records';
import { decodeRecordSet } from '../../src/protocol/record-set';
import { RawConnection } from '../helpers/raw-client';
import { sleep } from '../helpers/poll';
import {
  addOffsets,
  addPartitions,
  batch,
  endTxn,
  fetch,
  initProducerId,
  produce,
  READ_COMMITTED,
  READ_UNCOMMITTED,
  txnOffsetCommit,
  type TransactionalCall,
} from '../helpers/txn-wire';

// The transaction coordinator and the partition side of transactions on the wire: coordinator placement, the
// InitProducerId / AddPartitionsToTxn / AddOffsetsToTxn / TxnOffsetCommit / EndTxn exchanges and their errors by
// version, markers (control batches), the last stable offset and aborted transactions in Fetch v4, timeouts.
describe('broker/transactions: coordinator, markers, last stable offset', function () {
  this.timeout(20000);
  let broker: EmbeddedBroker;
  const connections = new Map<number, RawConnection>();
  let nextId = 0;

  /** A connection to the node coordinating `key` (transactional id or group id), or to another node with `other`. */
  const nodeFor = async (key: string, other = false): Promise<RawConnection> => {
    const coordinator = broker.cluster.coordinatorFor(key);
    const nodeId = other ? [...broker.cluster.nodes.keys()].find((id) => id !== coordinator)! : coordinator;
    let connection = connections.get(nodeId);
    if (!connection) {
      const node = broker.cluster.nodes.get(nodeId)!;
      connection = await RawConnection.open(`${node.host}:${node.port}`);
      connections.set(nodeId, connection);
    }
    return connection;
  };
  /** A connection to the leader of the topic's partition 0, where its Produce and Fetch requests go. */
  const leaderOf = async (topic: string): Promise<RawConnection> => {
    const leader = broker.cluster.getPartition(topic, 0)!.leader;
    const node = broker.cluster.nodes.get(leader)!;
    let connection = connections.get(leader);
    if (!connection) {
      connection = await RawConnection.open(`${node.host}:${node.port}`);
      connections.set(leader, connection);
    }
    return connection;
  };
  const newTopic = (): string => {
    const name = `tx-${++nextId}`;
    broker.cluster.createTopic({ name, numPartitions: 1, replicationFactor: 1 });
    return name;
  };
  const begin = async (transactionalId: string, timeoutMs = 60000): Promise<TransactionalCall> => {
    const answer = await initProducerId(await nodeFor(transactionalId), transactionalId, { timeoutMs });
    expect(answer.errorCode).to.equal(ErrorCode.NONE);
    return { transactionalId, producer: { producerId: answer.producerId, producerEpoch: answer.producerEpoch } };
  };

  beforeEach(async () => {
    broker = await startEmbedded({ nodes: 3 });
  });
  afterEach(async () => {
    for (const connection of connections.values()) connection.close();
    connections.clear();
    await broker?.stop();
  });

  it('ApiVersions advertises InitProducerId 0-1 and AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit 0-2', async () => {
    const reader = await (await nodeFor('any')).request(ApiKey.ApiVersions, 0, () => undefined);
    expect(reader.int16()).to.equal(ErrorCode.NONE);
    const ranges = new Map(reader.array((r) => [r.int16(), `${r.int16()}-${r.int16()}`] as const));
    expect(
      [
        ApiKey.InitProducerId,
        ApiKey.AddPartitionsToTxn,
        ApiKey.AddOffsetsToTxn,
        ApiKey.EndTxn,
        ApiKey.TxnOffsetCommit,
      ].map((key) => ranges.get(key)),
    ).to.deep.equal(['0-1', '0-2', '0-2', '0-2', '0-2']);
  });

  it("FindCoordinator key type 1 names the transactional id's coordinator; any other node answers NOT_COORDINATOR", async () => {
    const transactionalId = 'placed';
    const reader = await (
      await nodeFor(transactionalId, true)
    ).request(ApiKey.FindCoordinator, 1, (w) => w.string(transactionalId).int8(1));
    reader.int32();
    expect(reader.int16()).to.equal(ErrorCode.NONE);
    reader.nullableString();
    expect(reader.int32()).to.equal(broker.cluster.coordinatorFor(transactionalId));
    expect((await initProducerId(await nodeFor(transactionalId, true), transactionalId)).errorCode).to.equal(
      ErrorCode.NOT_COORDINATOR,
    );
    expect(
      (await initProducerId(await nodeFor(transactionalId), transactionalId, { timeoutMs: 0 })).errorCode,
    ).to.equal(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(
      (await initProducerId(await nodeFor(transactionalId), transactionalId, { timeoutMs: 900001 })).errorCode,
    ).to.equal(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('an open transaction holds the last stable offset; abort writes a marker and lists the transaction for read_committed', async () => {
    const topic = newTopic();
    const leader = await leaderOf(topic);
    const call = await begin('lso');
    const coordinator = await nodeFor(call.transactionalId);
    expect(
      (
        await produce(
          leader,
          topic,
          0,
          batch({ producer: { producerId: 1, producerEpoch: 0 }, sequence: 0, values: ['plain'] }),
        )
      ).errorCode,
    ).to.equal(ErrorCode.NONE);
    expect(await addPartitions(coordinator, call, [[topic, [0]]])).to.deep.equal({ [`${topic}/0`]: ErrorCode.NONE });
    expect(
      (
        await produce(
          leader,
          topic,
          0,
          batch({ producer: call.producer, sequence: 0, values: ['t1', 't2'], transactional: true }),
          call.transactionalId,
        )
      ).baseOffset,
    ).to.equal(1);

    const open = await fetch(leader, topic, 0, 0, READ_COMMITTED);
    expect([open.highWatermark, open.lastStableOffset]).to.deep.equal([3, 1]);
    expect(
      open.batches.map((b) => b.baseOffset),
      'read_committed stops at the last stable offset',
    ).to.deep.equal([0]);
    const uncommitted = await fetch(leader, topic, 0, 0, READ_UNCOMMITTED);
    expect(uncommitted.batches.map((b) => b.baseOffset)).to.deep.equal([0, 1]);
    expect(uncommitted.abortedTransactions, 'read_uncommitted gets a null list').to.equal(null);

    expect(await endTxn(coordinator, call, false)).to.equal(ErrorCode.NONE);
    const after = await fetch(leader, topic, 0, 0, READ_COMMITTED);
    expect([after.highWatermark, after.lastStableOffset]).to.deep.equal([4, 4]);
    expect(after.abortedTransactions).to.deep.equal([{ producerId: call.producer.producerId, firstOffset: 1 }]);
    const marker = after.batches[2]!;
    expect([
      marker.baseOffset,
      marker.control,
      marker.transactional,
      marker.producerId,
      marker.producerEpoch,
      marker.baseSequence,
    ]).to.deep.equal([3, true, true, call.producer.producerId, call.producer.producerEpoch, -1]);
    expect(controlRecordType(marker.records[0]!.key)).to.equal(ControlRecordType.Abort);
    expect(marker.records[0]!.value!.toString('hex'), 'version 0, coordinator epoch 0').to.equal('000000000000');
    expect(
      (await fetch(leader, topic, 0, 4, READ_COMMITTED)).abortedTransactions,
      'nothing aborted after the fetch offset',
    ).to.deep.equal([]);

    const listOffsets = await leader.request(ApiKey.ListOffsets, 2, (w) =>
      w
        .int32(-1)
        .int8(READ_COMMITTED)
        .array([topic], (tw, name) => tw.string(name).array([0], (pw, p) => pw.int32(p).int64(-1))),
    );
    listOffsets.int32();
    const [answer] = listOffsets.array(
      (t) => (t.string(), t.array((p) => (p.int32(), p.int16(), p.int64(), p.int64Number()))),
    );
    expect(answer).to.deep.equal([4]);
  });

  it('commit writes a commit marker and applies the offsets sent with TxnOffsetCommit; abort drops them', async () => {
    const topic = newTopic();
    const groupId = 'txn-group';
    const call = await begin('offsets');
    const coordinator = await nodeFor(call.transactionalId);
    const groupCoordinator = await nodeFor(groupId);
    const committed = async (): Promise<number> => {
      const reader = await groupCoordinator.request(ApiKey.OffsetFetch, 1, (w) =>
        w.string(groupId).array([topic], (tw, name) => tw.string(name).array([0], (pw, p) => pw.int32(p))),
      );
      const [[offset]] = reader.array((t) => (t.string(), t.array((p) => (p.int32(), p.int64Number()))));
      return offset!;
    };

    expect(
      await txnOffsetCommit(groupCoordinator, call, groupId, [[topic, 0, 7]]),
      'before AddOffsetsToTxn',
    ).to.deep.equal({
      [`${topic}/0`]: ErrorCode.INVALID_TXN_STATE,
    });
    expect(await addOffsets(coordinator, call, groupId)).to.equal(ErrorCode.NONE);
    expect(
      (await txnOffsetCommit(await nodeFor(groupId, true), call, groupId, [[topic, 0, 7]]))[`${topic}/0`],
    ).to.equal(ErrorCode.NOT_COORDINATOR);
    expect(await txnOffsetCommit(groupCoordinator, call, groupId, [[topic, 0, 7]], 2)).to.deep.equal({
      [`${topic}/0`]: ErrorCode.NONE,
    });
    expect(await committed(), 'pending until the commit').to.equal(-1);
    expect(await endTxn(coordinator, call, false)).to.equal(ErrorCode.NONE);
    expect(await committed(), 'dropped by the abort').to.equal(-1);

    expect(await addPartitions(coordinator, call, [[topic, [0]]])).to.deep.equal({ [`${topic}/0`]: ErrorCode.NONE });
    expect(await addOffsets(coordinator, call, groupId)).to.equal(ErrorCode.NONE);
    await produce(
      await leaderOf(topic),
      topic,
      0,
      batch({ producer: call.producer, sequence: 0, values: ['kept'], transactional: true }),
      call.transactionalId,
    );
    expect(await txnOffsetCommit(groupCoordinator, call, groupId, [[topic, 0, 9]])).to.deep.equal({
      [`${topic}/0`]: ErrorCode.NONE,
    });
    expect(await endTxn(coordinator, call, true)).to.equal(ErrorCode.NONE);
    expect(await committed()).to.equal(9);
    expect(await endTxn(coordinator, call, true), 'a retried EndTxn is answered as the first').to.equal(ErrorCode.NONE);
    expect(await endTxn(coordinator, call, false), 'aborting a committed transaction').to.equal(
      ErrorCode.INVALID_TXN_STATE,
    );
    const fetched = await fetch(await leaderOf(topic), topic, 0, 0, READ_COMMITTED);
    expect(fetched.abortedTransactions).to.deep.equal([]);
    expect(controlRecordType(fetched.batches[1]!.records[0]!.key)).to.equal(ControlRecordType.Commit);
  });

  it('old fetchers (Fetch v2, magic 1 as kafka-node reads) get the transactional records without the markers', async () => {
    const topic = newTopic();
    const call = await begin('old-readers');
    const coordinator = await nodeFor(call.transactionalId);
    const leader = await leaderOf(topic);
    await addPartitions(coordinator, call, [[topic, [0]]]);
    await produce(
      leader,
      topic,
      0,
      batch({ producer: call.producer, sequence: 0, values: ['t1', 't2'], transactional: true }),
      call.transactionalId,
    );
    expect(await endTxn(coordinator, call, true)).to.equal(ErrorCode.NONE);
    const reader = await leader.request(ApiKey.Fetch, 2, (w) =>
      w
        .int32(-1)
        .int32(0)
        .int32(0)
        .array([topic], (tw, name) =>
          tw.string(name).array([0], (pw, p) =>
            pw
              .int32(p)
              .int64(0)
              .int32(1 << 20),
          ),
        ),
    );
    reader.int32();
    const [[partition]] = reader.array(
      (t) => (t.string(), t.array((p) => (p.int32(), p.int16(), p.int64(), p.bytes()!))),
    );
    const entries = decodeRecordSet(partition!).batches;
    expect(entries.every((e) => e.magic === 1)).to.equal(true);
    expect(entries.flatMap((e) => e.records.map((r) => [r.offset, r.value!.toString()]))).to.deep.equal([
      [0, 't1'],
      [1, 't2'],
    ]);
  });

  it('errors: unknown partitions, wrong producer id, fenced epochs (INVALID_PRODUCER_EPOCH before v2, PRODUCER_FENCED from v2)', async () => {
    const topic = newTopic();
    const old = await begin('errors');
    const coordinator = await nodeFor(old.transactionalId);
    expect(
      await addPartitions(coordinator, old, [
        [topic, [0]],
        ['no-such-topic', [0]],
      ]),
    ).to.deep.equal({
      [`${topic}/0`]: ErrorCode.OPERATION_NOT_ATTEMPTED,
      'no-such-topic/0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
    expect(await endTxn(coordinator, old, true), 'nothing was added').to.equal(ErrorCode.INVALID_TXN_STATE);
    const wrongId = { ...old, producer: { ...old.producer, producerId: old.producer.producerId + 99 } };
    expect(await addOffsets(coordinator, wrongId, 'g')).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await addPartitions(coordinator, old, [[topic, [0]]])).to.deep.equal({ [`${topic}/0`]: ErrorCode.NONE });

    const current = await begin('errors');
    expect(current.producer.producerEpoch).to.equal(old.producer.producerEpoch + 1);
    expect(await endTxn(coordinator, old, true, 1)).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(coordinator, old, true, 2)).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await addOffsets(coordinator, old, 'g', 2)).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await addPartitions(coordinator, old, [[topic, [0]]], 0)).to.deep.equal({
      [`${topic}/0`]: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
  });

  it('a persistent broker restarted with a transaction open aborts it on reopening the log (no coordinator remembers it)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transactions-'));
    try {
      await broker.stop();
      broker = await startEmbedded({ dataDir });
      broker.cluster.createTopic({ name: 'kept', numPartitions: 1, replicationFactor: 1 });
      const call = await begin('restarted');
      await addPartitions(await nodeFor(call.transactionalId), call, [['kept', [0]]]);
      await produce(
        await leaderOf('kept'),
        'kept',
        0,
        batch({ producer: call.producer, sequence: 0, values: ['open'], transactional: true }),
        call.transactionalId,
      );
      expect((await fetch(await leaderOf('kept'), 'kept', 0, 0, READ_COMMITTED)).lastStableOffset).to.equal(0);
      for (const connection of connections.values()) connection.close();
      connections.clear();
      await broker.stop();
      broker = await startEmbedded({ dataDir });
      const fetched = await fetch(await leaderOf('kept'), 'kept', 0, 0, READ_COMMITTED);
      expect([fetched.lastStableOffset, fetched.highWatermark]).to.deep.equal([2, 2]);
      expect(fetched.abortedTransactions).to.deep.equal([{ producerId: call.producer.producerId, firstOffset: 0 }]);
      expect(controlRecordType(fetched.batches[1]!.records[0]!.key)).to.equal(ControlRecordType.Abort);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a transaction open past its timeout is aborted with a bumped epoch: the producer is fenced, read_committed moves on', async () => {
    const topic = newTopic();
    const call = await begin('expiring', 300);
    const coordinator = await nodeFor(call.transactionalId);
    const leader = await leaderOf(topic);
    await addPartitions(coordinator, call, [[topic, [0]]]);
    await produce(
      leader,
      topic,
      0,
      batch({ producer: call.producer, sequence: 0, values: ['late'], transactional: true }),
      call.transactionalId,
    );
    expect((await fetch(leader, topic, 0, 0, READ_COMMITTED)).lastStableOffset).to.equal(0);
    await sleep(600);
    const fetched = await fetch(leader, topic, 0, 0, READ_COMMITTED);
    expect([fetched.lastStableOffset, fetched.highWatermark]).to.deep.equal([2, 2]);
    expect(fetched.abortedTransactions).to.deep.equal([{ producerId: call.producer.producerId, firstOffset: 0 }]);
    expect(fetched.batches[1]!.producerEpoch, 'the abort marker carries the bumped epoch').to.equal(
      call.producer.producerEpoch + 1,
    );
    expect(await endTxn(coordinator, call, true)).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    const stale = await produce(
      leader,
      topic,
      0,
      batch({ producer: call.producer, sequence: 1, values: ['later'], transactional: true }),
      call.transactionalId,
    );
    expect(stale.errorCode).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('stopping the broker stops the timeouts of open transactions: none fires after the stop', async () => {
    await broker.stop();
    const logger = new MemoryLogger();
    broker = await startEmbedded({ logger });
    const topic = newTopic();
    const call = await begin('left-open', 300);
    await addPartitions(await nodeFor(call.transactionalId), call, [[topic, [0]]]);
    await produce(
      await leaderOf(topic),
      topic,
      0,
      batch({ producer: call.producer, sequence: 0, values: ['open'], transactional: true }),
      call.transactionalId,
    );
    for (const connection of connections.values()) connection.close();
    connections.clear();
    await broker.stop();
    // Timers fire in deadline order, so by the end of this wait a timeout left running would have fired.
    await sleep(600);
    expect(logger.lines.filter((line) => line.includes('left-open'))).to.deep.equal([]);
  });
});
