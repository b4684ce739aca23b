import { expect } from 'chai';
import { ControlRecordType, controlRecordType, encodeTransactionMarker } from '../../src/protocol/control-records';
import { decodeRecordBatchAt } from '../../src/protocol/record-batch';

describe('protocol/control-records: transaction markers', () => {
  it('a marker is a transactional control batch of one record: key (0, type), value (0, coordinator epoch)', () => {
    const bytes = encodeTransactionMarker({
      producerId: 42,
      producerEpoch: 3,
      type: ControlRecordType.Commit,
      coordinatorEpoch: 7,
      timestamp: 1_700_000_000_000,
    });
    const batch = decodeRecordBatchAt(bytes, 0)!;
    expect([
      batch.control,
      batch.transactional,
      batch.producerId,
      batch.producerEpoch,
      batch.baseSequence,
    ]).to.deep.equal([true, true, 42, 3, -1]);
    expect(batch.records).to.have.length(1);
    expect(batch.records[0]!.key!.toString('hex')).to.equal('00000001');
    expect(batch.records[0]!.value!.toString('hex')).to.equal('000000000007');
    expect(controlRecordType(batch.records[0]!.key)).to.equal(ControlRecordType.Commit);
  });

  it('reads abort and commit keys; anything else is not a version-0 control key', () => {
    expect(controlRecordType(Buffer.from('00000000', 'hex'))).to.equal(ControlRecordType.Abort);
    expect(controlRecordType(Buffer.from('00000001', 'hex'))).to.equal(ControlRecordType.Commit);
    expect(controlRecordType(Buffer.from('00010001', 'hex')), 'key version 1').to.equal(null);
    expect(controlRecordType(Buffer.from('00000005', 'hex')), 'unknown type').to.equal(null);
    expect(controlRecordType(Buffer.from('0000', 'hex'))).to.equal(null);
    expect(controlRecordType(null)).to.equal(null);
  });
});
