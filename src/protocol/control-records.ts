/**
 * Transaction markers: the control batches a transaction coordinator has every partition leader append when a
 * transaction ends. A marker batch has the transactional and control attributes, the producer's id and epoch, no
 * sequence, and one record whose key is (version INT16 = 0, type INT16: 0 abort, 1 commit) and whose value is
 * (version INT16 = 0, coordinator epoch INT32).
 */
import { Reader, Writer } from './primitives';
import { encodeRecordBatch } from './record-batch';

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
}

const CONTROL_RECORD_VERSION = 0;

export interface TransactionMarker {
  producerId: number;
  producerEpoch: number;
  type: ControlRecordType;
  coordinatorEpoch: number;
  timestamp: number;
}

export function encodeTransactionMarker(marker: TransactionMarker): Buffer {
  const key = new Writer(4).int16(CONTROL_RECORD_VERSION).int16(marker.type).toBuffer();
  const value = new Writer(6).int16(CONTROL_RECORD_VERSION).int32(marker.coordinatorEpoch).toBuffer();
  return encodeRecordBatch({
    baseOffset: 0,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    transactional: true,
    control: true,
    records: [{ timestamp: marker.timestamp, key: Buffer.from(key), value: Buffer.from(value) }],
  });
}

/** The type a control record's key names; null when the key is not a version-0 control key. */
export function controlRecordType(key: Buffer | null): ControlRecordType | null {
  if (key === null || key.length < 4) return null;
  const reader = new Reader(key);
  if (reader.int16() !== CONTROL_RECORD_VERSION) return null;
  const type = reader.int16();
  return type === ControlRecordType.Abort || type === ControlRecordType.Commit ? type : null;
}
