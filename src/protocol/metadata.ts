/**
 * The client side of Metadata (key 3) v0, the one version every broker from Apache Kafka 0.8 to 4.x accepts: enough to
 * list a cluster's brokers. An empty topic list asks for every topic in v0; only the brokers are decoded.
 */
import { ApiKey } from './api-keys';
import type { Reader } from './primitives';
import { encodeRequestFrame } from './request-frame';

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
}

export function encodeMetadataV0Request(
  correlationId: number,
  clientId: string,
  topics: readonly string[] = [],
): Buffer {
  return encodeRequestFrame(ApiKey.Metadata, 0, correlationId, clientId, (writer) =>
    writer.array(topics, (w, topic) => w.string(topic)),
  );
}

/** The brokers of a Metadata v0 answer's body (after the correlation id); the topics that follow are not read. */
export function decodeMetadataV0Brokers(body: Reader): MetadataBroker[] {
  return body.array((reader) => ({ nodeId: reader.int32(), host: reader.string(), port: reader.int32() }), 10);
}
