/**
 * Standalone commits that are done when they resolve. The library's KafkaJS-style commitOffsets resolves once
 * librdkafka accepted the commit (commitAsync), not when the broker stored it, so a read right after can miss it; the
 * broker's answer arrives as the internal client's 'offset.commit' event (offset_commit_cb, which that API turns on),
 * which librdkafka serves from the consumer's poll: a consumer with no assignment is polled (it reads nothing) until then.
 * Commits of one consumer are serialized so each answer belongs to its own request.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { KafkaTimeoutError } from '../common/errors';
import type { TopicPartitionOffset } from '../common/types';
import { toKafkaError } from './errors';

interface CommitEvents {
  once(
    event: 'offset.commit',
    listener: (error: unknown, partitions: Array<{ error?: unknown }> | undefined) => void,
  ): unknown;
  removeListener(event: 'offset.commit', listener: (...args: never[]) => void): unknown;
  setDefaultConsumeTimeout(timeoutMs: number): void;
  consume(count: number, callback: (error: unknown, messages: unknown[]) => void): void;
}

/** How long each poll waits: librdkafka serves the commit's answer from the consumer's poll only. */
const POLL_MS = 50;

type CommittingConsumer = KafkaJS.Consumer & { _getInternalClient(): CommitEvents | null };

const queues = new WeakMap<KafkaJS.Consumer, Promise<unknown>>();

/** Commits offsets with a connected consumer that never subscribed (generation -1), awaiting the broker's answer. */
export function commitStandalone(
  consumer: KafkaJS.Consumer,
  offsets: TopicPartitionOffset[],
  timeoutMs: number,
): Promise<void> {
  const previous = queues.get(consumer) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => commitNow(consumer as CommittingConsumer, offsets, timeoutMs));
  queues.set(consumer, run);
  return run;
}

async function commitNow(
  consumer: CommittingConsumer,
  offsets: TopicPartitionOffset[],
  timeoutMs: number,
): Promise<void> {
  if (offsets.length === 0) return;
  const client = consumer._getInternalClient();
  let listener: ((error: unknown, partitions: Array<{ error?: unknown }> | undefined) => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const answered = new Promise<void>((resolve, reject) => {
    listener = (error, partitions) => {
      const failure = error ?? partitions?.find((p) => p.error)?.error;
      if (failure) reject(toKafkaError(failure));
      else resolve();
    };
    client?.once('offset.commit', listener);
    timer = setTimeout(
      () => reject(new KafkaTimeoutError(`offset commit not answered within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  answered.catch(() => undefined);
  try {
    await consumer.commitOffsets(
      offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
    );
    // Without the internal client (library internals changed) the commit is only known to be accepted.
    if (client) {
      client.setDefaultConsumeTimeout(POLL_MS);
      const poll = (): void => {
        if (!done) client.consume(1, () => setImmediate(poll));
      };
      poll();
      await answered;
    }
  } catch (error) {
    throw toKafkaError(error);
  } finally {
    done = true;
    clearTimeout(timer);
    if (listener) client?.removeListener('offset.commit', listener);
  }
}
