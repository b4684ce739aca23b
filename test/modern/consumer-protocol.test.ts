import { expect } from 'chai';
import { AssignerProtocol } from 'kafkajs';
import { Reader, Writer } from '../../src/protocol/primitives';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../src/modern/consumer-protocol';

// kafka-node 5's own request encoders and response decoders are the reference: our bytes must be what kafka-node
// writes, and what we write must decode in kafka-node to the same thing.
interface KafkaNodeProtocol {
  encodeJoinGroupRequest(
    clientId: string,
    correlationId: number,
    groupId: string,
    memberId: string,
    sessionTimeout: number,
    protocols: Array<{ name: string; version: number; subscription: string[]; userData?: unknown }>,
  ): Buffer;
  encodeSyncGroupRequest(
    clientId: string,
    correlationId: number,
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: Array<{ memberId: string; topicPartitions: Record<string, number[]>; version: number }>,
  ): Buffer;
  decodeJoinGroupResponse(buffer: Buffer): {
    members: Array<{ id: string; subscription: string[]; version: number; userData?: unknown }>;
  };
  decodeSyncGroupResponse(buffer: Buffer): {
    partitions: Record<string, number[]>;
    version: number;
    userData?: unknown;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaNode = require('kafka-node/lib/protocol/protocol') as KafkaNodeProtocol;

function skipRequestHeader(reader: Reader): void {
  reader.int32(); // size
  reader.int16(); // api key
  reader.int16(); // api version
  reader.int32(); // correlation id
  reader.string(); // client id
}

/** The protocol metadata kafka-node puts in a JoinGroup request for one protocol. */
function kafkaNodeSubscriptionBytes(version: number, topics: string[]): Buffer {
  const request = kafkaNode.encodeJoinGroupRequest('client', 1, 'group', '', 30000, [
    { name: 'roundrobin', version, subscription: topics },
  ]);
  const reader = new Reader(request);
  skipRequestHeader(reader);
  reader.string(); // group id
  reader.int32(); // session timeout
  reader.string(); // member id
  reader.string(); // protocol type
  const [protocol] = reader.array((r) => ({ name: r.string(), metadata: r.bytes() }));
  return Buffer.from(protocol!.metadata!);
}

/** The member assignment kafka-node (as leader) puts in a SyncGroup request. */
function kafkaNodeAssignmentBytes(version: number, topicPartitions: Record<string, number[]>): Buffer {
  const request = kafkaNode.encodeSyncGroupRequest('client', 1, 'group', 1, 'leader', [
    { memberId: 'member', topicPartitions, version },
  ]);
  const reader = new Reader(request);
  skipRequestHeader(reader);
  reader.string(); // group id
  reader.int32(); // generation
  reader.string(); // member id
  const [assignment] = reader.array((r) => ({ memberId: r.string(), bytes: r.bytes() }));
  return Buffer.from(assignment!.bytes!);
}

function joinGroupResponse(members: Array<{ memberId: string; metadata: Buffer }>): Buffer {
  const body = new Writer();
  body.int32(7).int16(0).int32(1).string('roundrobin').string(members[0]!.memberId).string(members[0]!.memberId);
  body.array(members, (w, m) => w.string(m.memberId).bytes(m.metadata));
  const bytes = body.toBuffer();
  const framed = Buffer.alloc(bytes.length + 4);
  framed.writeInt32BE(bytes.length, 0);
  bytes.copy(framed, 4);
  return framed;
}

function syncGroupResponse(assignment: Buffer): Buffer {
  const body = new Writer().int32(7).int16(0).bytes(assignment).toBuffer();
  const framed = Buffer.alloc(body.length + 4);
  framed.writeInt32BE(body.length, 0);
  body.copy(framed, 4);
  return framed;
}

// Legal Kafka topic names only ([a-zA-Z0-9._-]): kafka-node writes string lengths in UTF-16 units, not bytes.
const TOPIC_SETS = [[], ['orders'], ['orders', 'payments', 'audit'], ['42', 'Events_2024', 'a.b_c-d']];

describe('modern/consumer-protocol (standard consumer protocol, kafka-node compatible)', () => {
  for (const topics of TOPIC_SETS) {
    it(`subscription ${JSON.stringify(topics)} is byte-identical to kafka-node's JoinGroup metadata`, () => {
      const ours = encodeSubscription({ version: 0, topics, userData: null });
      expect(ours.toString('hex')).to.equal(kafkaNodeSubscriptionBytes(0, topics).toString('hex'));
      expect(decodeSubscription(kafkaNodeSubscriptionBytes(2, topics))).to.deep.equal({
        version: 2,
        topics,
        userData: null,
      });
    });
  }

  it('kafka-node decodes our subscriptions (members of a JoinGroup response)', () => {
    const members = TOPIC_SETS.map((topics, i) => ({
      memberId: `m${i}`,
      metadata: encodeSubscription({ version: 0, topics, userData: null }),
    }));
    const decoded = kafkaNode.decodeJoinGroupResponse(joinGroupResponse(members));
    expect(
      decoded.members.map((m) => ({
        id: m.id,
        subscription: m.subscription,
        version: m.version,
        userData: m.userData,
      })),
    ).to.deep.equal(
      TOPIC_SETS.map((topics, i) => ({ id: `m${i}`, subscription: topics, version: 0, userData: undefined })),
    );
  });

  const ASSIGNMENTS: Array<Record<string, number[]>> = [
    {},
    { orders: [0] },
    { orders: [0, 2, 4], payments: [1], '7': [3, 5] },
  ];
  for (const topicPartitions of ASSIGNMENTS) {
    it(`assignment ${JSON.stringify(topicPartitions)} is byte-identical to kafka-node's SyncGroup assignment`, () => {
      const topics = Object.entries(topicPartitions).map(([topic, partitions]) => ({ topic, partitions }));
      const ours = encodeAssignment({ version: 0, topics, userData: null });
      expect(ours.toString('hex')).to.equal(kafkaNodeAssignmentBytes(0, topicPartitions).toString('hex'));
      expect(decodeAssignment(kafkaNodeAssignmentBytes(0, topicPartitions))).to.deep.equal({
        version: 0,
        topics,
        userData: null,
      });
      const decodedByKafkaNode = kafkaNode.decodeSyncGroupResponse(syncGroupResponse(ours));
      expect(decodedByKafkaNode).to.deep.equal({ partitions: topicPartitions, version: 0 });
    });
  }

  it("kafkajs reads our encodings, and we read kafkajs's", () => {
    const subscription = encodeSubscription({ version: 1, topics: ['a', 'b'], userData: Buffer.from('x') });
    expect(AssignerProtocol.MemberMetadata.decode(subscription)).to.deep.include({ version: 1, topics: ['a', 'b'] });
    const fromKafkajs = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ['t'],
      userData: Buffer.alloc(0),
    });
    expect(decodeSubscription(fromKafkajs)).to.deep.equal({ version: 0, topics: ['t'], userData: Buffer.alloc(0) });

    const assignment = encodeAssignment({ version: 0, topics: [{ topic: 't', partitions: [1, 0] }], userData: null });
    expect(AssignerProtocol.MemberAssignment.decode(assignment)).to.deep.include({
      version: 0,
      assignment: { t: [1, 0] },
    });
    const kafkajsAssignment = AssignerProtocol.MemberAssignment.encode({
      version: 0,
      assignment: { t: [2] },
      userData: Buffer.alloc(0),
    });
    expect(decodeAssignment(kafkajsAssignment).topics).to.deep.equal([{ topic: 't', partitions: [2] }]);
  });

  it('an empty assignment (the coordinator gave the member nothing) decodes as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0))).to.deep.equal({ version: 0, topics: [], userData: null });
  });

  it('tolerates metadata without the user data field, and ignores fields newer versions append', () => {
    const withoutUserData = new Writer()
      .int16(0)
      .array(['t'], (w, t) => w.string(t))
      .toBuffer();
    expect(decodeSubscription(Buffer.from(withoutUserData)).topics).to.deep.equal(['t']);
    const newer = Buffer.concat([
      encodeSubscription({ version: 1, topics: ['t'], userData: null }),
      Buffer.from([0, 0, 0, 0]),
    ]);
    expect(decodeSubscription(newer)).to.deep.equal({ version: 1, topics: ['t'], userData: null });
  });
});
