/**
 * Where kafkajs's log lines go. By default nowhere: kafkajs otherwise writes JSON lines to the console, which is noise
 * in applications and tests. A caller may pass a sink (createModernBackend's options); what reaches it never carries
 * credentials: fields that look like secrets are replaced before the sink sees them.
 */
import { logLevel as KafkajsLevel, type LogEntry, type logCreator } from 'kafkajs';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

export interface LogRecord {
  level: LogLevelName;
  /** kafkajs's component, e.g. "Consumer", "Connection". */
  namespace: string;
  message: string;
  fields: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

export const quietLogSink: LogSink = () => undefined;

export interface LoggingOptions {
  sink?: LogSink;
  /** Least severe level passed to the sink (default 'warn'). */
  level?: LogLevelName;
}

const LEVEL_BY_KAFKAJS: Record<number, LogLevelName> = {
  [KafkajsLevel.ERROR]: 'error',
  [KafkajsLevel.WARN]: 'warn',
  [KafkajsLevel.INFO]: 'info',
  [KafkajsLevel.DEBUG]: 'debug',
};

export const KAFKAJS_LEVEL: Record<LogLevelName, KafkajsLevel> = {
  error: KafkajsLevel.ERROR,
  warn: KafkajsLevel.WARN,
  info: KafkajsLevel.INFO,
  debug: KafkajsLevel.DEBUG,
};

const SECRET_FIELD = /pass(word)?|secret|token|credential|sasl|authorization|^(key|cert|ca|pfx)$/i;
const REDACTED = '[redacted]';

/** A copy of `value` with secret-looking fields replaced, depth-limited so cyclic structures cannot hang it. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = SECRET_FIELD.test(key) ? REDACTED : redactSecrets(field, depth + 1);
  }
  return copy;
}

export interface KafkajsLogging {
  /** The level to give kafkajs: the most verbose of what the sink wants and what the observer needs. */
  kafkajsLevel: KafkajsLevel;
  logCreator: logCreator;
}

/**
 * Builds the kafkajs logCreator. `observe` sees every entry untouched (the consumer group reads its generation from
 * one); `needsLevel` is the level the observer needs kafkajs to emit.
 */
export function kafkajsLogging(
  options: LoggingOptions = {},
  observe?: (entry: LogEntry) => void,
  needsLevel?: LogLevelName,
): KafkajsLogging {
  const sink = options.sink;
  const sinkLevel = sink ? KAFKAJS_LEVEL[options.level ?? 'warn'] : KafkajsLevel.NOTHING;
  const kafkajsLevel = Math.max(
    sinkLevel,
    needsLevel ? KAFKAJS_LEVEL[needsLevel] : KafkajsLevel.NOTHING,
  ) as KafkajsLevel;
  const logCreator: logCreator = () => (entry) => {
    observe?.(entry);
    if (!sink || entry.level > sinkLevel || entry.level === KafkajsLevel.NOTHING) return;
    const {
      message,
      timestamp: _timestamp,
      logger: _logger,
      ...fields
    } = entry.log as { message: string; [key: string]: unknown };
    sink({
      level: LEVEL_BY_KAFKAJS[entry.level] ?? 'debug',
      namespace: entry.namespace,
      message,
      fields: redactSecrets(fields) as Record<string, unknown>,
    });
  };
  return { kafkajsLevel, logCreator };
}
