/** Apache Kafka's topic name rule (brokers refuse other names with INVALID_TOPIC_EXCEPTION; clients check it before any I/O): 1-249 characters of [a-zA-Z0-9._-], and not "." or "..". */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Returns why the name is invalid, or null when it is a legal topic name. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL.test(name)) return `topic name "${name}" has characters outside [a-zA-Z0-9._-]`;
  return null;
}
