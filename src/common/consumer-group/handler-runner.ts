import { partitionKey } from '../group-helpers';
import { backoffDelay } from '../retry';
import type { ConsumedMessage, MessageBatch, RetryOptions, RunOptions } from '../types';

/** A handler call that threw: the error was reported; retry the same message(s) after `retryInMs`. */
export interface HandlerFailure {
  readonly error: unknown;
  readonly retryInMs: number;
}

/**
 * Calls the user's handler (eachMessage or eachBatch) and keeps the retry rule: a handler that throws is reported to
 * 'error' listeners and its message is retried after the retry schedule's backoff (growing with the partition's
 * consecutive failures), never skipped and never committed. The caller decides what "retry" means for its library.
 */
export class HandlerRunner {
  private eachMessage: RunOptions['eachMessage'] | null = null;
  private eachBatch: RunOptions['eachBatch'] | null = null;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly retry: RetryOptions,
    private readonly emitError: (error: unknown) => void,
  ) {}

  use(handlers: Pick<RunOptions, 'eachMessage' | 'eachBatch'>): void {
    this.eachMessage = handlers.eachMessage ?? null;
    this.eachBatch = handlers.eachBatch ?? null;
  }

  /** eachBatch was given: a partition's messages go to the handler together. */
  get batches(): boolean {
    return this.eachBatch !== null;
  }

  /** Hands one message to eachMessage; null when it returned, the failure when it threw. */
  async runMessage(message: ConsumedMessage): Promise<HandlerFailure | null> {
    return this.attempt(message.topic, message.partition, () => this.eachMessage!(message));
  }

  /** Hands a batch to eachBatch; null when it returned, the failure when it threw. */
  async runBatch(batch: MessageBatch): Promise<HandlerFailure | null> {
    return this.attempt(batch.topic, batch.partition, () => this.eachBatch!(batch));
  }

  /** seek() or a new assignment: the next failure of this partition starts the backoff again. */
  reset(topic: string, partition: number): void {
    this.failures.delete(partitionKey(topic, partition));
  }

  private async attempt(
    topic: string,
    partition: number,
    call: () => Promise<void> | void,
  ): Promise<HandlerFailure | null> {
    const key = partitionKey(topic, partition);
    try {
      await call();
    } catch (error) {
      this.emitError(error);
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      return { error, retryInMs: backoffDelay(this.retry, failures) };
    }
    this.failures.delete(key);
    return null;
  }
}
