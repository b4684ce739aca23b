/**
 * The embedded "consumer" protocol that group members exchange inside JoinGroup (subscription, as protocol metadata)
 * and SyncGroup (assignment). Apache Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment, version 0:
 *
 *   Subscription => version:int16 topics:[string] user_data:nullable bytes
 *   Assignment   => version:int16 [topic:string partitions:[int32]] user_data:nullable bytes
 *
 * kafka-node 5 writes exactly this (user data null unless a protocol supplies it) and reads it back tolerating a
 * missing user data field; the Java client writes version 0 or newer versions that only append fields, which are
 * ignored here. We write user data as null (-1), as the Java client does, because kafka-node tries to JSON-parse
 * present-but-empty user data.
 */
import { Reader, Writer } from '../protocol/primitives';

export interface Subscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
}

export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

export interface Assignment {
  version: number;
  topics: TopicAssignment[];
  userData: Buffer | null;
}

export function encodeSubscription(subscription: Subscription): Buffer {
  const writer = new Writer(64);
  writer.int16(subscription.version);
  writer.array(subscription.topics, (w, topic) => w.string(topic));
  writer.bytes(subscription.userData);
  return Buffer.from(writer.toBuffer());
}

export function decodeSubscription(buffer: Buffer): Subscription {
  const reader = new Reader(buffer);
  const version = reader.int16();
  const topics = reader.array((r) => r.string(), 2);
  const userData = reader.remaining >= 4 ? reader.bytes() : null;
  return { version, topics, userData: userData === null ? null : Buffer.from(userData) };
}

export function encodeAssignment(assignment: Assignment): Buffer {
  const writer = new Writer(64);
  writer.int16(assignment.version);
  writer.array(assignment.topics, (w, { topic, partitions }) => {
    w.string(topic);
    w.array(partitions, (pw, partition) => pw.int32(partition));
  });
  writer.bytes(assignment.userData);
  return Buffer.from(writer.toBuffer());
}

/** An empty buffer is what a coordinator hands a member the leader gave nothing: no partitions. */
export function decodeAssignment(buffer: Buffer | null): Assignment {
  if (buffer === null || buffer.length === 0) return { version: 0, topics: [], userData: null };
  const reader = new Reader(buffer);
  const version = reader.int16();
  const topics = reader.array((r) => ({ topic: r.string(), partitions: r.array((pr) => pr.int32(), 4) }), 6);
  const userData = reader.remaining >= 4 ? reader.bytes() : null;
  return { version, topics, userData: userData === null ? null : Buffer.from(userData) };
}
