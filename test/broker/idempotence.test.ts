import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { ErrorCode } from '../../src/protocol/error-codes';
import { RawConnection } from '../helpers/raw-client';
import { batch, fetch, initProducerId, produce, READ_UNCOMMITTED, type ProducerIdentity } from '../helpers/txn-wire';

// Idempotent producers on the wire (InitProducerId without a transactional id, Produce v7 with producer id, epoch and
// sequence), checked with raw requests so that every answer is seen as the broker gave it.
const TOPICS = ['idem', 'five', 'fresh', 'other', 'epochs'];

describe('broker/idempotence: producer ids, sequence numbers, duplicates', function () {
  this.timeout(20000);
  let broker: EmbeddedBroker;
  let connection: RawConnection;
  let dataDir: string | null = null;

  const values = async (topic: string): Promise<string[]> =>
    (await fetch(connection, topic, 0, 0, READ_UNCOMMITTED)).batches.flatMap((b) =>
      b.records.map((r) => r.value!.toString()),
    );

  beforeEach(async () => {
    broker = await startEmbedded();
    for (const name of TOPICS) broker.cluster.createTopic({ name, numPartitions: 1, replicationFactor: 1 });
    connection = await RawConnection.open(broker.brokers[0]!);
  });
  afterEach(async () => {
    connection?.close();
    await broker?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    dataDir = null;
  });

  it('InitProducerId without a transactional id hands out a new id with epoch 0 each time', async () => {
    const first = await initProducerId(connection, null, { version: 0 });
    const second = await initProducerId(connection, null);
    expect(first.errorCode).to.equal(ErrorCode.NONE);
    expect(first.producerEpoch).to.equal(0);
    expect(second.producerId).to.not.equal(first.producerId);
  });

  it('a retried batch is answered with its original offset and written once; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const producer = await initProducerId(connection, null);
    const send = (sequence: number, ...records: string[]) =>
      produce(connection, 'idem', 0, batch({ producer, sequence, values: records }));
    expect(await send(0, 'a', 'b', 'c')).to.deep.equal({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(await send(0, 'a', 'b', 'c'), 'retry of the last batch').to.deep.equal({
      errorCode: ErrorCode.NONE,
      baseOffset: 0,
    });
    expect(await send(3, 'd', 'e')).to.deep.equal({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect(await send(0, 'a', 'b', 'c'), 'retry of an earlier batch still cached').to.deep.equal({
      errorCode: ErrorCode.NONE,
      baseOffset: 0,
    });
    expect((await send(7, 'x')).errorCode, 'sequence 5 expected').to.equal(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await send(4, 'x')).errorCode, 'overlapping the last batch').to.equal(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(await send(5, 'f')).to.deep.equal({ errorCode: ErrorCode.NONE, baseOffset: 5 });
    expect(await values('idem')).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('only the last five batches are remembered: an older retry is out of order, not a silent duplicate', async () => {
    const producer = await initProducerId(connection, null);
    for (let sequence = 0; sequence < 6; sequence++) {
      expect(
        (await produce(connection, 'five', 0, batch({ producer, sequence, values: [`v${sequence}`] }))).errorCode,
      ).to.equal(ErrorCode.NONE);
    }
    expect(
      (await produce(connection, 'five', 0, batch({ producer, sequence: 1, values: ['v1'] }))).baseOffset,
      'batch 2 of 6 is cached',
    ).to.equal(1);
    expect((await produce(connection, 'five', 0, batch({ producer, sequence: 0, values: ['v0'] }))).errorCode).to.equal(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(await values('five')).to.have.length(6);
  });

  it('a producer unknown to a partition may start at any sequence (as Kafka, whose state may expire); it continues from there', async () => {
    const stranger: ProducerIdentity = { producerId: 123456, producerEpoch: 0 };
    expect(
      (await produce(connection, 'fresh', 0, batch({ producer: stranger, sequence: 4, values: ['x'] }))).errorCode,
    ).to.equal(ErrorCode.NONE);
    expect(
      (await produce(connection, 'fresh', 0, batch({ producer: stranger, sequence: 6, values: ['y'] }))).errorCode,
    ).to.equal(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(
      (await produce(connection, 'fresh', 0, batch({ producer: stranger, sequence: 5, values: ['y'] }))).errorCode,
    ).to.equal(ErrorCode.NONE);
    expect(
      (await produce(connection, 'other', 0, batch({ producer: stranger, sequence: 0, values: ['z'] }))).errorCode,
      'sequences are per partition',
    ).to.equal(ErrorCode.NONE);
  });

  it('a newer epoch restarts at sequence 0 and fences the older one (INVALID_PRODUCER_EPOCH)', async () => {
    const first = await initProducerId(connection, 'idem-epochs');
    const second = await initProducerId(connection, 'idem-epochs');
    expect([first.producerId, first.producerEpoch + 1]).to.deep.equal([second.producerId, second.producerEpoch]);
    expect(
      (await produce(connection, 'epochs', 0, batch({ producer: first, sequence: 0, values: ['old'] }))).errorCode,
    ).to.equal(ErrorCode.NONE);
    expect(
      (await produce(connection, 'epochs', 0, batch({ producer: second, sequence: 3, values: ['new'] }))).errorCode,
    ).to.equal(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(
      (await produce(connection, 'epochs', 0, batch({ producer: second, sequence: 0, values: ['new'] }))).errorCode,
    ).to.equal(ErrorCode.NONE);
    expect(
      (await produce(connection, 'epochs', 0, batch({ producer: first, sequence: 1, values: ['late'] }))).errorCode,
    ).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await values('epochs')).to.deep.equal(['old', 'new']);
  });

  it('a restarted persistent broker rebuilds producer state from its log: a retry after the restart is still a duplicate', async () => {
    connection.close();
    await broker.stop();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idempotence-'));
    broker = await startEmbedded({ dataDir });
    broker.cluster.createTopic({ name: 'durable', numPartitions: 1, replicationFactor: 1 });
    connection = await RawConnection.open(broker.brokers[0]!);
    const producer = await initProducerId(connection, null);
    const original = batch({ producer, sequence: 0, values: ['once'] });
    expect((await produce(connection, 'durable', 0, original)).baseOffset).to.equal(0);
    connection.close();
    await broker.stop();
    broker = await startEmbedded({ dataDir });
    connection = await RawConnection.open(broker.brokers[0]!);
    expect(await produce(connection, 'durable', 0, original)).to.deep.equal({
      errorCode: ErrorCode.NONE,
      baseOffset: 0,
    });
    const fresh = await initProducerId(connection, null);
    expect(fresh.producerId, 'ids after a restart are new').to.be.greaterThan(producer.producerId);
    expect(await values('durable')).to.deep.equal(['once']);
  });
});
