/**
 * The transaction coordinator of the embedded cluster: hands out producer ids (InitProducerId), tracks each
 * transactional id's producer epoch, partitions and consumer groups of its open transaction, and ends transactions by
 * having every partition append a commit or abort marker (control batch). Offsets sent with TxnOffsetCommit stay
 * pending until the commit, then become the group's committed offsets; an abort drops them.
 *
 * As in Kafka, a transactional id lives on the broker that leads its __transaction_state partition (the same hash as
 * group ids), a new InitProducerId for a transactional id aborts its open transaction and bumps the epoch (fencing the
 * previous producer instance), and a transaction open longer than its timeout is aborted with a bumped epoch.
 *
 * Markers are written synchronously while handling EndTxn (one shared log per partition), so the PrepareCommit and
 * PrepareAbort states of Kafka's coordinator never last long enough to be observed. Transaction state is kept in
 * memory: a restarted broker knows no transactional ids (their producers simply initialize again).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { ControlRecordType, encodeTransactionMarker } from '../../protocol/control-records';
import type { Cluster } from '../cluster';
import type { OffsetToCommit } from '../groups/offset-store';
import { KafkaStorageError } from '../log/partition-log';

/** Kafka's transaction.max.timeout.ms default. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900000;
/** Epochs are INT16; past this the producer gets a new id instead (as Kafka does). */
const MAX_PRODUCER_EPOCH = 32766;
const OFFSET_METADATA_MAX_BYTES = 4096;

type TransactionState = 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';

interface TransactionMetadata {
  readonly transactionalId: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TransactionState;
  readonly partitions: Map<string, { topic: string; partition: number }>;
  /** Offsets by group, then "topic/partition", waiting for the commit. */
  readonly pendingOffsets: Map<string, Map<string, OffsetToCommit>>;
  timer: NodeJS.Timeout | null;
}

export interface ProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface TopicPartitions {
  name: string;
  partitions: number[];
}

export interface TopicPartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface TxnOffsetInput {
  name: string;
  partitions: { partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }[];
}

/** Who asks, with which producer id and epoch: what every transactional request carries. */
export interface TransactionalCaller {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  nodeId: number;
}

export class TransactionCoordinator {
  private readonly transactions = new Map<string, TransactionMetadata>();
  private readonly byProducerId = new Map<number, TransactionMetadata>();
  /**
   * Producer ids start from the wall clock so that ids handed out after a restart of a persistent broker never meet
   * the sequence state its reopened logs rebuilt for earlier producers.
   */
  private nextProducerId = Date.now();

  constructor(private readonly cluster: Cluster) {}

  initProducerId(transactionalId: string | null, timeoutMs: number, nodeId: number): ProducerIdResult {
    const failed = (errorCode: number): ProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === null)
      return { errorCode: ErrorCode.NONE, producerId: this.nextProducerId++, producerEpoch: 0 };
    if (transactionalId === '') return failed(ErrorCode.INVALID_REQUEST);
    const coordinatorError = this.coordinatorError(transactionalId, nodeId);
    if (coordinatorError !== ErrorCode.NONE) return failed(coordinatorError);
    if (timeoutMs <= 0 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS) return failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let metadata = this.transactions.get(transactionalId);
    if (!metadata) {
      metadata = {
        transactionalId,
        producerId: this.nextProducerId++,
        producerEpoch: 0,
        timeoutMs,
        state: 'Empty',
        partitions: new Map(),
        pendingOffsets: new Map(),
        timer: null,
      };
      this.transactions.set(transactionalId, metadata);
      this.byProducerId.set(metadata.producerId, metadata);
    } else {
      // A new instance of the producer: whatever the previous one left open is aborted, and it is fenced.
      this.bumpEpoch(metadata);
      if (metadata.state === 'Ongoing') this.complete(metadata, false);
      metadata.state = 'Empty';
      metadata.timeoutMs = timeoutMs;
    }
    return { errorCode: ErrorCode.NONE, producerId: metadata.producerId, producerEpoch: metadata.producerEpoch };
  }

  addPartitions(caller: TransactionalCaller, topics: TopicPartitions[]): TopicPartitionErrors[] {
    const error = this.callerError(caller);
    const unknown = (topic: string, partition: number) => this.cluster.getPartition(topic, partition) === undefined;
    const anyUnknown = topics.some((t) => t.partitions.some((p) => unknown(t.name, p)));
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => ({
        partition,
        errorCode:
          error !== ErrorCode.NONE
            ? error
            : unknown(t.name, partition)
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : anyUnknown
                ? ErrorCode.OPERATION_NOT_ATTEMPTED
                : ErrorCode.NONE,
      })),
    }));
    if (error !== ErrorCode.NONE || anyUnknown) return results;
    const metadata = this.transactions.get(caller.transactionalId)!;
    this.begin(metadata);
    for (const t of topics)
      for (const partition of t.partitions)
        metadata.partitions.set(`${t.name}/${partition}`, { topic: t.name, partition });
    return results;
  }

  addOffsets(caller: TransactionalCaller, groupId: string): number {
    const error = this.callerError(caller);
    if (error !== ErrorCode.NONE) return error;
    const metadata = this.transactions.get(caller.transactionalId)!;
    this.begin(metadata);
    if (!metadata.pendingOffsets.has(groupId)) metadata.pendingOffsets.set(groupId, new Map());
    return ErrorCode.NONE;
  }

  /** TxnOffsetCommit, answered by the group's coordinator: the offsets wait in the producer's transaction. */
  commitOffsets(caller: TransactionalCaller, groupId: string, topics: TxnOffsetInput[]): TopicPartitionErrors[] {
    const groupCoordinator = this.cluster.coordinatorFor(groupId);
    const metadata = this.byProducerId.get(caller.producerId);
    let error: number = ErrorCode.NONE;
    if (groupCoordinator === -1) error = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    else if (groupCoordinator !== caller.nodeId) error = ErrorCode.NOT_COORDINATOR;
    else if (!metadata || metadata.transactionalId !== caller.transactionalId)
      error = ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    else if (caller.producerEpoch !== metadata.producerEpoch) error = ErrorCode.INVALID_PRODUCER_EPOCH;
    else if (metadata.state !== 'Ongoing' || !metadata.pendingOffsets.has(groupId)) error = ErrorCode.INVALID_TXN_STATE;
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode = error;
        if (errorCode === ErrorCode.NONE && this.cluster.getPartition(t.name, p.partition) === undefined)
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (errorCode === ErrorCode.NONE && (p.metadata ?? '').length > OFFSET_METADATA_MAX_BYTES)
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        if (errorCode === ErrorCode.NONE) {
          metadata!.pendingOffsets.get(groupId)!.set(`${t.name}/${p.partition}`, {
            topic: t.name,
            partition: p.partition,
            offset: p.offset,
            leaderEpoch: p.leaderEpoch,
            metadata: p.metadata ?? '',
          });
        }
        return { partition: p.partition, errorCode };
      }),
    }));
  }

  endTransaction(caller: TransactionalCaller, commit: boolean): number {
    const error = this.callerError(caller);
    if (error !== ErrorCode.NONE) return error;
    const metadata = this.transactions.get(caller.transactionalId)!;
    if (metadata.state === 'Ongoing') {
      this.complete(metadata, commit);
      return ErrorCode.NONE;
    }
    // A retried EndTxn whose first attempt completed is answered as the first one was.
    if ((metadata.state === 'CompleteCommit' && commit) || (metadata.state === 'CompleteAbort' && !commit))
      return ErrorCode.NONE;
    return ErrorCode.INVALID_TXN_STATE;
  }

  /** Stops every open transaction's timeout; the transactions stay open, as a stopped Kafka coordinator leaves them. */
  close(): void {
    for (const metadata of this.transactions.values()) this.clearTimer(metadata);
  }

  private coordinatorError(transactionalId: string, nodeId: number): number {
    const coordinator = this.cluster.coordinatorFor(transactionalId);
    if (coordinator === -1) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return coordinator === nodeId ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
  }

  /** NOT_COORDINATOR, unknown id (INVALID_PRODUCER_ID_MAPPING) or a fenced epoch (PRODUCER_FENCED; old versions map it). */
  private callerError(caller: TransactionalCaller): number {
    const coordinatorError = this.coordinatorError(caller.transactionalId, caller.nodeId);
    if (coordinatorError !== ErrorCode.NONE) return coordinatorError;
    const metadata = this.transactions.get(caller.transactionalId);
    if (!metadata || metadata.producerId !== caller.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (metadata.producerEpoch !== caller.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return ErrorCode.NONE;
  }

  private begin(metadata: TransactionMetadata): void {
    if (metadata.state === 'Ongoing') return;
    metadata.state = 'Ongoing';
    metadata.partitions.clear();
    metadata.pendingOffsets.clear();
    this.clearTimer(metadata);
    const epoch = metadata.producerEpoch;
    metadata.timer = setTimeout(() => this.expire(metadata, epoch), metadata.timeoutMs);
    // An open transaction must not keep the process alive.
    metadata.timer.unref();
  }

  /** transaction.timeout.ms passed: abort, and bump the epoch so the late producer is fenced. */
  private expire(metadata: TransactionMetadata, epoch: number): void {
    metadata.timer = null;
    if (metadata.state !== 'Ongoing' || metadata.producerEpoch !== epoch) return;
    this.cluster.logger.info(
      `transaction ${metadata.transactionalId} timed out after ${metadata.timeoutMs} ms: aborting`,
    );
    this.bumpEpoch(metadata);
    this.complete(metadata, false);
  }

  private bumpEpoch(metadata: TransactionMetadata): void {
    if (metadata.producerEpoch < MAX_PRODUCER_EPOCH) {
      metadata.producerEpoch++;
      return;
    }
    this.byProducerId.delete(metadata.producerId);
    metadata.producerId = this.nextProducerId++;
    metadata.producerEpoch = 0;
    this.byProducerId.set(metadata.producerId, metadata);
  }

  /** Writes the markers, applies (commit) or drops (abort) the pending offsets. */
  private complete(metadata: TransactionMetadata, commit: boolean): void {
    this.clearTimer(metadata);
    const marker = encodeTransactionMarker({
      producerId: metadata.producerId,
      producerEpoch: metadata.producerEpoch,
      type: commit ? ControlRecordType.Commit : ControlRecordType.Abort,
      coordinatorEpoch: 0,
      timestamp: Date.now(),
    });
    for (const { topic, partition } of metadata.partitions.values()) {
      const state = this.cluster.getPartition(topic, partition);
      if (!state) continue;
      try {
        state.log.append(marker, { leaderEpoch: state.leaderEpoch });
      } catch (error) {
        if (!(error instanceof KafkaStorageError)) throw error;
        this.cluster.logger.warn(
          `transaction ${metadata.transactionalId}: marker not written to ${topic}-${partition}: ${error.message}`,
        );
      }
    }
    if (commit) {
      for (const [groupId, offsets] of metadata.pendingOffsets) {
        if (offsets.size > 0) this.cluster.groups.commitTransactionOffsets(groupId, [...offsets.values()]);
      }
    }
    metadata.partitions.clear();
    metadata.pendingOffsets.clear();
    metadata.state = commit ? 'CompleteCommit' : 'CompleteAbort';
  }

  private clearTimer(metadata: TransactionMetadata): void {
    if (metadata.timer) clearTimeout(metadata.timer);
    metadata.timer = null;
  }
}

/**
 * PRODUCER_FENCED exists for the transaction APIs from the version named here on; older versions get
 * INVALID_PRODUCER_EPOCH for the same condition, as Kafka answers them.
 */
export function fencingErrorFor(errorCode: number, version: number, firstVersionWithProducerFenced: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < firstVersionWithProducerFenced
    ? ErrorCode.INVALID_PRODUCER_EPOCH
    : errorCode;
}
