import { ApiKey } from '../../protocol/api-keys';
import type { ApiHandler, ApiRange } from './types';

/**
 * Which Kafka release the embedded broker impersonates on the wire.
 *   default: every version each API module implements (kafka-node's v0-2 as well as kafkajs's newer ones).
 *   kafka-4: the versions Apache Kafka 4.x serves after KIP-896, so kafka-node code fails here as it fails on a real
 *            4.x cluster (the broker closes the connection on Produce v0-2, Fetch v0-3, ...), without a JVM.
 */
export const BROKER_PROFILES = ['default', 'kafka-4'] as const;
export type BrokerProfile = (typeof BROKER_PROFILES)[number];

/** One API key of a real broker: the versions it serves, and what its ApiVersions says when that differs. */
export interface MeasuredRange {
  readonly min: number;
  readonly max: number;
  /** The minimum ApiVersions advertises, when lower than the minimum served (see Produce below). */
  readonly advertisedMin?: number;
}

/**
 * Apache Kafka 4.4.0 (KRaft, combined broker+controller), for the API keys this broker implements: ApiVersions v0's
 * answer, and for each key the lowest version that gets an answer rather than a closed connection (a well-formed
 * request one version lower gets the connection closed without a response). Measured by
 * test/broker/differential-kafka4.test.ts, which holds the kafka-4 profile to the real broker.
 */
export const KAFKA_4_API_VERSIONS: Readonly<Record<number, MeasuredRange>> = {
  // KIP-896 removed Produce v0-2, yet ApiVersions still says 0: old librdkafka refuses to produce compressed data
  // unless v0 is listed (KAFKA-18659). A v0-2 request is refused all the same.
  [ApiKey.Produce]: { min: 3, max: 13, advertisedMin: 0 },
  [ApiKey.Fetch]: { min: 4, max: 18 },
  [ApiKey.ListOffsets]: { min: 1, max: 11 },
  [ApiKey.Metadata]: { min: 0, max: 13 },
  [ApiKey.OffsetCommit]: { min: 2, max: 10 },
  [ApiKey.OffsetFetch]: { min: 1, max: 10 },
  [ApiKey.FindCoordinator]: { min: 0, max: 6 },
  [ApiKey.JoinGroup]: { min: 0, max: 9 },
  [ApiKey.Heartbeat]: { min: 0, max: 4 },
  [ApiKey.LeaveGroup]: { min: 0, max: 5 },
  [ApiKey.SyncGroup]: { min: 0, max: 5 },
  [ApiKey.DescribeGroups]: { min: 0, max: 6 },
  [ApiKey.ListGroups]: { min: 0, max: 5 },
  [ApiKey.SaslHandshake]: { min: 0, max: 1 },
  [ApiKey.ApiVersions]: { min: 0, max: 5 },
  [ApiKey.CreateTopics]: { min: 2, max: 7 },
  [ApiKey.DeleteTopics]: { min: 1, max: 6 },
  [ApiKey.InitProducerId]: { min: 0, max: 5 },
  [ApiKey.AddPartitionsToTxn]: { min: 0, max: 5 },
  [ApiKey.AddOffsetsToTxn]: { min: 0, max: 4 },
  [ApiKey.EndTxn]: { min: 0, max: 5 },
  [ApiKey.TxnOffsetCommit]: { min: 0, max: 6 },
  [ApiKey.DescribeConfigs]: { min: 1, max: 4 },
  [ApiKey.SaslAuthenticate]: { min: 0, max: 2 },
  [ApiKey.CreatePartitions]: { min: 0, max: 3 },
};

/** What a profile changes on the wire. */
export interface ProfileVersions {
  /** What ApiVersions lists, by API key. */
  readonly advertised: readonly ApiRange[];
  /** Versions served per API key; any other version closes the connection. */
  readonly served: ReadonlyMap<number, ApiRange>;
  /**
   * The ranges an ApiVersions request of an unknown version is answered with (a v0 response with UNSUPPORTED_VERSION):
   * Kafka 4 lists only ApiVersions itself, the default profile lists everything.
   */
  readonly unsupportedApiVersionsRanges: readonly ApiRange[];
}

function clamp(handler: ApiHandler, min: number, max: number): ApiRange {
  return {
    apiKey: handler.apiKey,
    minVersion: Math.max(handler.minVersion, min),
    maxVersion: Math.min(handler.maxVersion, max),
  };
}

/** The version ranges of `profile`, given every registered API module (sorted by key). */
export function profileVersions(profile: BrokerProfile, handlers: readonly ApiHandler[]): ProfileVersions {
  const sorted = [...handlers].sort((a, b) => a.apiKey - b.apiKey);
  if (profile === 'default') {
    const ranges = sorted.map((handler) => clamp(handler, handler.minVersion, handler.maxVersion));
    return {
      advertised: ranges,
      served: new Map(ranges.map((range) => [range.apiKey, range])),
      unsupportedApiVersionsRanges: ranges,
    };
  }
  const measured = sorted.filter((handler) => KAFKA_4_API_VERSIONS[handler.apiKey] !== undefined);
  const served = new Map(
    measured.map((handler) => {
      const { min, max } = KAFKA_4_API_VERSIONS[handler.apiKey]!;
      return [handler.apiKey, clamp(handler, min, max)] as const;
    }),
  );
  const advertised = measured.map((handler) => {
    const { min, max, advertisedMin = min } = KAFKA_4_API_VERSIONS[handler.apiKey]!;
    return clamp(handler, advertisedMin, max);
  });
  return {
    advertised,
    served,
    unsupportedApiVersionsRanges: advertised.filter((range) => range.apiKey === ApiKey.ApiVersions),
  };
}
