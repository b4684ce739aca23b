/**
 * The library-free consumer-group core (kafkajs's consumerGroup / runner / offsetManager / subscriptionState split):
 * lifecycle.ts (DrivenConsumerGroup: states, run(), close template), driver.ts (the contract a backend implements),
 * subscription-state.ts, offset-tracker.ts, handler-runner.ts, buffered-delivery.ts (the loop of push drivers).
 */
export { BufferedDelivery, type BufferedDeliveryHooks, type BufferedPartition } from './buffered-delivery';
export type { Assignment, ConsumerGroupDriver, GroupSession } from './driver';
export { HandlerRunner, type HandlerFailure } from './handler-runner';
export { DrivenConsumerGroup, type BufferStats } from './lifecycle';
export { OffsetTracker } from './offset-tracker';
export { SubscriptionState } from './subscription-state';
