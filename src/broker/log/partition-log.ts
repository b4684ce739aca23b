/**
 * PLACEHOLDER owned by the data-path work (Produce/Fetch/ListOffsets): the log of one partition.
 * The cluster only relies on `open`, `close` and `destroy`.
 */
export interface PartitionLogOptions {
  topic: string;
  partition: number;
  /** Directory for this partition's segment files; null keeps the log in memory. */
  directory: string | null;
}

export class PartitionLog {
  private constructor(readonly options: PartitionLogOptions) {}

  static open(options: PartitionLogOptions): PartitionLog {
    return new PartitionLog(options);
  }

  get logStartOffset(): number {
    return 0;
  }

  get highWatermark(): number {
    return 0;
  }

  close(): void {}

  destroy(): void {}
}
