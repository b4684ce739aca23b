import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode, errorName } from '../../protocol/error-codes';
import { defineApi, type RequestContext } from './types';
import { isInternalTopic } from '../topic-names';
import { validateProducedRecords } from '../log/append-validation';
import { KafkaStorageError } from '../log/partition-log';
import { readRecordBatchHeader } from '../../protocol/record-batch';

// Produce v0-7 (kafkajs 2.2.4 sends up to v7, kafka-node 5.0.0 up to v2; v9 is the first flexible version).
//   request  v0: acks INT16, timeout_ms INT32, topics[name, partitions[index, records BYTES]]
//            v1-2: same (v2 producers send magic-1 messages)    v3: transactional_id first (and magic-2 batches only)
//            v4-6: same    v7: zstd allowed
//   response v0: topics[name, partitions[index, error_code, base_offset]]
//            v1: throttle_time_ms at the end    v2: partition log_append_time    v3-4: same
//            v5: partition log_start_offset    v6-7: same
// acks=0 gets no response at all; if anything failed the connection is closed instead, as Kafka does, so the producer
// notices through the disconnect.
interface ProducePartitionRequest {
  partition: number;
  records: Buffer | null;
}

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: ProducePartitionRequest[] }[];
}

interface ProducePartitionResponse {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

interface ProduceResponse {
  topics: { name: string; partitions: ProducePartitionResponse[] }[];
}

/** Thrown for acks=0 requests that failed: the node closes the connection with this as the logged reason. */
export class UnacknowledgedProduceFailedError extends Error {
  override readonly name = 'UnacknowledgedProduceFailedError';
}

const DEFAULT_MIN_INSYNC_REPLICAS = 1;

function produceToPartition(
  topicName: string,
  request: ProducePartitionRequest,
  acks: number,
  context: RequestContext,
): ProducePartitionResponse & { detail: string | null } {
  const failed = (errorCode: number, detail: string | null = null) => ({
    partition: request.partition,
    errorCode,
    baseOffset: -1,
    logAppendTime: -1,
    logStartOffset: -1,
    detail,
  });
  if (acks !== 0 && acks !== 1 && acks !== -1) return failed(ErrorCode.INVALID_REQUIRED_ACKS);
  // Kafka checks no names here: a topic with an illegal name cannot exist, so it is unknown (as Kafka 4.4 answers).
  if (isInternalTopic(topicName))
    return failed(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`);
  const topic = context.cluster.getTopic(topicName);
  const partition = topic?.partitions[request.partition];
  if (!topic || !partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (partition.leader !== context.node.id) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const minInsync = Number(topic.configs.get('min.insync.replicas') ?? DEFAULT_MIN_INSYNC_REPLICAS);
  if (acks === -1 && partition.isr.length < minInsync) {
    return failed(
      ErrorCode.NOT_ENOUGH_REPLICAS,
      `ISR ${partition.isr.length} is below min.insync.replicas ${minInsync}`,
    );
  }
  const maxMessageBytes = Number(topic.configs.get('max.message.bytes') ?? context.cluster.settings.messageMaxBytes);
  const validated = validateProducedRecords(request.records, {
    produceVersion: context.header.apiVersion,
    maxMessageBytes,
    compacted: (topic.configs.get('cleanup.policy') ?? 'delete').split(',').includes('compact'),
  });
  if (!('batches' in validated)) return failed(validated.errorCode, validated.message);

  const logAppendTime = topic.configs.get('message.timestamp.type') === 'LogAppendTime' ? Date.now() : -1;
  const { log } = partition;
  let baseOffset = -1;
  try {
    for (const batch of validated.batches) {
      // Idempotent producers: a retried batch gets its original offsets back, a gap or stale epoch is refused.
      const producerCheck = log.checkProducerAppend(readRecordBatchHeader(batch, 0));
      if (producerCheck.outcome === 'reject') return failed(producerCheck.errorCode, producerCheck.message);
      if (producerCheck.outcome === 'duplicate') {
        if (baseOffset === -1) baseOffset = producerCheck.baseOffset;
        continue;
      }
      const appended = log.append(batch, {
        leaderEpoch: partition.leaderEpoch,
        logAppendTime: logAppendTime === -1 ? undefined : logAppendTime,
      });
      if (baseOffset === -1) baseOffset = appended.baseOffset;
    }
  } catch (error) {
    if (error instanceof KafkaStorageError) return failed(ErrorCode.KAFKA_STORAGE_ERROR, error.message);
    throw error;
  }
  return {
    partition: request.partition,
    errorCode: ErrorCode.NONE,
    baseOffset,
    logAppendTime,
    logStartOffset: log.logStartOffset,
    detail: null,
  };
}

export const produceApi = defineApi<ProduceRequest, ProduceResponse>({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 7,
  decodeRequest(reader, version) {
    const transactionalId = version >= 3 ? reader.nullableString() : null;
    const acks = reader.int16();
    const timeoutMs = reader.int32();
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((pr) => ({ partition: pr.int32(), records: pr.bytes() }), 8),
      }),
      6,
    );
    return { transactionalId, acks, timeoutMs, topics };
  },
  handle(request, context) {
    const failures: string[] = [];
    const topics = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partitionRequest) => {
        const { detail, ...result } = produceToPartition(topic.name, partitionRequest, request.acks, context);
        if (result.errorCode !== ErrorCode.NONE) {
          failures.push(
            `${topic.name}-${result.partition}: ${errorName(result.errorCode)}${detail ? ` (${detail})` : ''}`,
          );
        }
        return result;
      }),
    }));
    if (request.acks === 0) {
      if (failures.length > 0)
        throw new UnacknowledgedProduceFailedError(`acks=0 produce failed: ${failures.join('; ')}`);
      return null;
    }
    return { topics };
  },
  encodeResponse(writer, response, version) {
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.baseOffset);
        if (version >= 2) pw.int64(p.logAppendTime);
        if (version >= 5) pw.int64(p.logStartOffset);
      });
    });
    if (version >= 1) writer.int32(0);
  },
});
