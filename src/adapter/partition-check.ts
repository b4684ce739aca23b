/**
 * kafka-node's topic/partition check (ConsumerGroup scheduleTopicPartitionCheck): after each assignment, the partition
 * count of every subscribed topic is noted; every topicPartitionCheckInterval the counts are read again and, when one
 * changed (partitions added with CreatePartitions, a topic created or deleted), the member rejoins so the group is
 * assigned the new partitions. The facade runs it on every member (kafka-node on the leader only): the engines'
 * own metadata refreshes are minutes apart, kafka-node's check is what services were tuned to.
 */
import type { Admin as CommonAdmin } from '../common/types';

export type PartitionCounts = Map<string, number>;

export async function partitionCounts(admin: CommonAdmin, topics: readonly string[]): Promise<PartitionCounts> {
  const metadata = await admin.fetchMetadata([...topics]);
  const counts: PartitionCounts = new Map(topics.map((topic) => [topic, 0]));
  for (const { topic, partitions } of metadata.topics) if (counts.has(topic)) counts.set(topic, partitions.length);
  return counts;
}

export class TopicPartitionCheck {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly read: () => Promise<PartitionCounts>,
    private readonly onChange: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Notes the counts of the assignment just made, then checks them every interval until one changes or stop(). */
  start(): void {
    this.stop();
    this.stopped = false;
    const baseline = this.read();
    baseline.catch(() => undefined);
    const schedule = (): void => {
      this.timer = setTimeout(() => void check(), this.intervalMs);
      this.timer.unref();
    };
    const check = async (): Promise<void> => {
      this.timer = null;
      try {
        const [before, now] = await Promise.all([baseline, this.read()]);
        if (this.stopped) return;
        if ([...before].some(([topic, count]) => now.get(topic) !== count)) return this.onChange();
      } catch (error) {
        if (this.stopped) return;
        this.onError(error as Error);
      }
      if (!this.stopped) schedule();
    };
    schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
