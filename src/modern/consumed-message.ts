import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ConsumedMessage } from '../common/types';

function headersOf(headers: IHeaders | undefined): Record<string, Buffer> {
  const converted: Record<string, Buffer> = {};
  if (!headers) return converted;
  // for-in over own names rather than Object.entries: no array per consumed message (most have no headers).
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const value = headers[name];
    // Repeated header names arrive as an array: keep the last, as Kafka's Headers.lastHeader does.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined || last === null) continue;
    converted[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return converted;
}

/** A kafkajs message as the common interface's ConsumedMessage. */
export function consumedFromKafkajs(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: headersOf(message.headers),
  };
}
