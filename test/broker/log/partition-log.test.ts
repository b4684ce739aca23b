import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PartitionLog, SEGMENT_FILE_NAME } from '../../../src/broker/log/partition-log';
import { encodeRecordBatch, readRecordBatchHeader } from '../../../src/protocol/record-batch';
import { CompressionCodec } from '../../../src/protocol/compression';
import { TimestampType } from '../../../src/protocol/records';
import { decodeRecordSet, recordsOf } from '../../../src/protocol/record-set';

function batch(count: number, timestamp: number, codec: number = CompressionCodec.None, valueSize = 10): Buffer {
  const records = [];
  for (let i = 0; i < count; i++)
    records.push({ timestamp: timestamp + i, key: Buffer.from(`k${i}`), value: Buffer.alloc(valueSize, 97 + i) });
  return encodeRecordBatch({ baseOffset: 0, codec, records });
}

describe('broker/log/partition-log', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'partition-log-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('assigns offsets from the log end and keeps the producer bytes apart from baseOffset and leader epoch', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    const produced = batch(3, 1000, CompressionCodec.Gzip);
    expect(log.append(produced, { leaderEpoch: 4 })).to.deep.equal({ baseOffset: 0, lastOffset: 2 });
    expect(log.append(batch(2, 2000), { leaderEpoch: 4 })).to.deep.equal({ baseOffset: 3, lastOffset: 4 });
    expect([log.logStartOffset, log.highWatermark, log.lastStableOffset, log.batchCount]).to.deep.equal([0, 5, 5, 2]);
    const stored = log.read(0, 1 << 20, false);
    expect(stored.batches.length).to.equal(2);
    expect(stored.chunks.length, 'consecutive batches share one view').to.equal(1);
    const first = stored.chunks[0]!.subarray(0, produced.length);
    expect(first.subarray(21).equals(produced.subarray(21)), 'CRC-covered bytes untouched').to.equal(true);
    expect(readRecordBatchHeader(first).partitionLeaderEpoch).to.equal(4);
    expect(recordsOf(decodeRecordSet(Buffer.concat(stored.chunks)).batches).map((r) => r.offset)).to.deep.equal([
      0, 1, 2, 3, 4,
    ]);
  });

  it('finds the batch holding an offset and reads whole batches within the byte limit', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    for (let i = 0; i < 10; i++) log.append(batch(3, 1000 * i));
    const size = log.sizeInBytes / 10;
    expect(log.batchIndexFor(0)).to.equal(0);
    expect(log.batchIndexFor(4)).to.equal(1);
    expect(log.batchIndexFor(29)).to.equal(9);
    expect(log.batchIndexFor(30)).to.equal(-1);
    expect(log.bytesAvailableFrom(4)).to.equal(size * 9);
    expect(log.read(4, size * 2 + 5, false).batches.map((b) => b.baseOffset)).to.deep.equal([3, 6]);
    const tooSmall = log.read(4, size - 1, false);
    expect([tooSmall.batches.length, tooSmall.firstBatchTooLarge]).to.deep.equal([0, true]);
    expect(
      log.read(4, size - 1, true).batches.map((b) => b.baseOffset),
      'first batch even if larger',
    ).to.deep.equal([3]);
    expect(log.read(30, 1000, true).batches).to.deep.equal([]);
  });

  it('looks up offsets by timestamp like Kafka: first record at or after it, in offset order', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    log.append(batch(3, 100)); // 100..102, offsets 0-2
    log.append(batch(3, 50)); // 50..52 (older timestamps later in the log), offsets 3-5
    log.append(batch(3, 200)); // 200..202, offsets 6-8
    expect(log.offsetForTimestamp(0)).to.deep.equal({ offset: 0, timestamp: 100 });
    expect(log.offsetForTimestamp(101)).to.deep.equal({ offset: 1, timestamp: 101 });
    expect(log.offsetForTimestamp(103)).to.deep.equal({ offset: 6, timestamp: 200 });
    expect(log.offsetForTimestamp(202)).to.deep.equal({ offset: 8, timestamp: 202 });
    expect(log.offsetForTimestamp(203)).to.equal(null);
  });

  it('answers the v0 "offsets before" query for a log of one segment', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    expect(log.legacyOffsetsBefore(-1, 5)).to.deep.equal([0]);
    log.append(batch(4, 0));
    expect(log.legacyOffsetsBefore(-1, 5)).to.deep.equal([4, 0]);
    expect(log.legacyOffsetsBefore(-1, 1)).to.deep.equal([4]);
    expect(log.legacyOffsetsBefore(-2, 5)).to.deep.equal([0]);
    expect(log.legacyOffsetsBefore(Date.now() + 60000, 5)).to.deep.equal([4, 0]);
    expect(log.legacyOffsetsBefore(1, 5)).to.deep.equal([]);
  });

  it('stamps LogAppendTime when asked', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    log.append(batch(2, 5), { logAppendTime: 777 });
    const [decoded] = decodeRecordSet(Buffer.concat(log.read(0, 1 << 20, false).chunks)).batches;
    expect(decoded!.timestampType).to.equal(TimestampType.LogAppendTime);
    expect(decoded!.records.map((r) => r.timestamp)).to.deep.equal([777, 777]);
    expect(log.offsetForTimestamp(700)).to.deep.equal({ offset: 0, timestamp: 777 });
  });

  it('notifies listeners on append and once more on close', () => {
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: null });
    let calls = 0;
    const unsubscribe = log.onAppend(() => calls++);
    log.append(batch(1, 0));
    log.append(batch(1, 0));
    expect(calls).to.equal(2);
    unsubscribe();
    log.append(batch(1, 0));
    expect(calls).to.equal(2);
    log.onAppend(() => calls++);
    log.close();
    expect(calls).to.equal(3);
  });

  it('persists batches back to back in a segment file and reopens with the same offsets and bytes', () => {
    const partitionDir = path.join(directory, 't-0');
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir });
    log.append(batch(2, 10));
    log.append(batch(3, 20, CompressionCodec.Snappy));
    log.append(batch(1, 30, CompressionCodec.None, 300 * 1024)); // larger than a shared chunk slot
    const before = Buffer.concat(log.read(0, 1 << 30, false).chunks);
    log.close();
    const file = path.join(partitionDir, SEGMENT_FILE_NAME);
    expect(fs.readFileSync(file).equals(before)).to.equal(true);

    const reopened = PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir });
    expect([
      reopened.logStartOffset,
      reopened.highWatermark,
      reopened.batchCount,
      reopened.truncatedOnOpen,
    ]).to.deep.equal([0, 6, 3, 0]);
    expect(Buffer.concat(reopened.read(0, 1 << 30, false).chunks).equals(before)).to.equal(true);
    expect(reopened.append(batch(1, 40)).baseOffset).to.equal(6);
    reopened.close();
    expect(PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir }).highWatermark).to.equal(7);
  });

  it('cuts a torn tail left by a crash, and everything from a corrupt batch on', () => {
    const partitionDir = path.join(directory, 't-0');
    const log = PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir });
    log.append(batch(2, 10));
    log.append(batch(2, 20));
    log.close();
    const file = path.join(partitionDir, SEGMENT_FILE_NAME);
    const good = fs.readFileSync(file);
    const torn = batch(5, 30).subarray(0, 40);
    fs.appendFileSync(file, torn);

    const recovered = PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir });
    expect(recovered.truncatedOnOpen).to.equal(40);
    expect(recovered.truncationReason).to.match(/less than a batch header/);
    expect(recovered.highWatermark).to.equal(4);
    expect(fs.statSync(file).size).to.equal(good.length);
    expect(recovered.append(batch(1, 50)).baseOffset).to.equal(4);
    recovered.close();

    const bytes = fs.readFileSync(file);
    const secondBatchAt = 12 + bytes.readInt32BE(8);
    bytes[secondBatchAt + 70] ^= 0xff; // inside the second batch's records
    fs.writeFileSync(file, bytes);
    const afterCorruption = PartitionLog.open({ topic: 't', partition: 0, directory: partitionDir });
    expect(afterCorruption.truncationReason).to.equal('CRC mismatch');
    expect(afterCorruption.highWatermark).to.equal(2);
    expect(fs.statSync(file).size).to.equal(secondBatchAt);
    afterCorruption.close();
  });

  it('deletes its directory on destroy', () => {
    const partitionDir = path.join(directory, 'gone-0');
    const log = PartitionLog.open({ topic: 'gone', partition: 0, directory: partitionDir });
    log.append(batch(1, 0));
    log.destroy();
    expect(fs.existsSync(partitionDir)).to.equal(false);
    expect(() => log.append(batch(1, 0))).to.throw(/closed/);
  });
});
