/**
 * A member of the rolling-migration groups: a kafka-node-API ConsumerGroup (the real kafka-node or the facade) that
 * counts its rebalances, reports its errors, and stops handling messages once its close has begun (kafka-node still
 * emits the messages of a fetch in flight after its commit on close; the next owner reads them from the commit).
 */
import type * as realKafkaNode from 'kafka-node';
import type { KafkaNodeModule } from './kafka-modules';

export interface RollingMember {
  name: string;
  group: realKafkaNode.ConsumerGroup;
  rebalances: number;
  /** Set before close: messages emitted from then on are not handled. */
  closing: boolean;
}

export interface RollingMemberOptions {
  kafkaHost: string;
  groupId: string;
  topic: string;
  heartbeatInterval: number;
  onMessage(message: realKafkaNode.Message): void;
  onIgnored(): void;
  onError(error: Error): void;
}

export function startRollingMember(kafka: KafkaNodeModule, name: string, options: RollingMemberOptions): RollingMember {
  const group = new kafka.ConsumerGroup(
    {
      kafkaHost: options.kafkaHost,
      groupId: options.groupId,
      protocol: ['roundrobin'],
      fromOffset: 'earliest',
      sessionTimeout: 10000,
      heartbeatInterval: options.heartbeatInterval,
      autoCommit: true,
      autoCommitIntervalMs: 200,
      fetchMaxWaitMs: 100,
    },
    [options.topic],
  );
  const member: RollingMember = { name, group, rebalances: 0, closing: false };
  group.on('rebalanced', () => (member.rebalances += 1));
  group.on('error', (error: Error) => options.onError(error));
  group.on('message', (message) => {
    if (member.closing) options.onIgnored();
    else options.onMessage(message);
  });
  return member;
}
