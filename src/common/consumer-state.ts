import type { EventEmitter } from 'events';
import { ConfigurationError, KafkaError } from './errors';
import type { RunOptions, TopicPartitionOffset } from './types';
import { validateTopicPartitionOffset } from './validation';

/**
 * Argument checks and lifecycle rules that every consumer-group backend applies the same way, so that both report
 * the same errors for the same misuse. Nothing here knows about a client library.
 */

export type ConsumerGroupState = 'idle' | 'connected' | 'running' | 'failed' | 'closing' | 'closed';

/** The handlers of a run() call, after checking that exactly one of them was given. */
export function checkRunOptions(options: RunOptions): Pick<RunOptions, 'eachMessage' | 'eachBatch'> {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError('run needs { eachMessage } or { eachBatch }');
  const { eachMessage, eachBatch } = options;
  if ((typeof eachMessage === 'function') === (typeof eachBatch === 'function')) {
    throw new ConfigurationError('run needs exactly one handler: eachMessage or eachBatch (a function)');
  }
  return { eachMessage, eachBatch };
}

/** Checks the explicit offsets of a commit() call (undefined means "what was handled"), and that the member may commit. */
export function checkCommitRequest(offsets: TopicPartitionOffset[] | undefined, memberIsRunning: boolean): void {
  if (offsets !== undefined) {
    if (!Array.isArray(offsets))
      throw new ConfigurationError('commit takes an array of { topic, partition, offset } (next offset to read)');
    offsets.forEach((position, i) => validateTopicPartitionOffset(position, `commit offsets[${i}]`));
  }
  if (!memberIsRunning) {
    throw new KafkaError(
      'cannot commit: this consumer group member is not running (call run() first, and not after close())',
      {
        retriable: false,
      },
    );
  }
}

/** Reports an error to 'error' listeners, if there are any (an unheard 'error' event must not crash the process). */
export function emitGroupError(emitter: EventEmitter, error: unknown): void {
  if (emitter.listenerCount('error') > 0)
    emitter.emit('error', error instanceof Error ? error : new KafkaError(String(error)));
}

export function assertGroupOpen(state: ConsumerGroupState, action: string): void {
  if (state === 'closing' || state === 'closed') {
    throw new KafkaError(`cannot ${action}: the consumer group was closed`, { retriable: false });
  }
}

export function checkTopicList(topics: string[], action: string): void {
  if (!Array.isArray(topics) || topics.some((topic) => typeof topic !== 'string' || topic.length === 0)) {
    throw new ConfigurationError(`${action} takes an array of topic names`);
  }
}
