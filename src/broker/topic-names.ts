/** The broker applies Kafka's topic name rule (shared with the clients' checks, in src/protocol) plus its own notion of internal topics. */
export { topicNameProblem, MAX_TOPIC_NAME_LENGTH } from '../protocol/topic-names';

export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state';
}
