/**
 * kafka-node's logging hook (kafka-node/logging, kafka-node/lib/logging): a provider maps a logger name such as
 * "kafka-node:Consumer" to an object with debug/info/warn/error. Applications plug their logger in with
 * setLoggerProvider before creating clients; the facade's own log lines go through it under kafka-node's names.
 * The default prints nothing unless env DEBUG names the logger (kafka-node's default is the `debug` package, which
 * reads the same variable).
 */
export interface KafkaNodeLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type LoggerProvider = (name: string) => KafkaNodeLogger;

/** Whether env DEBUG ("kafka-node:*,-kafka-node:Consumer", ...) enables `name`, as the debug package reads it. */
function debugEnabled(name: string): boolean {
  let enabled = false;
  for (const pattern of (process.env.DEBUG ?? '').split(/[\s,]+/).filter(Boolean)) {
    const negated = pattern.startsWith('-');
    const source = (negated ? pattern.slice(1) : pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?');
    if (new RegExp(`^${source}$`).test(name)) enabled = !negated;
  }
  return enabled;
}

function defaultProvider(name: string): KafkaNodeLogger {
  const write = (...args: unknown[]): void => {
    if (debugEnabled(name)) console.error(`${new Date().toISOString()} ${name}`, ...args);
  };
  return { debug: write, info: write, warn: write, error: write };
}

let provider: LoggerProvider = defaultProvider;

export function setLoggerProvider(next: LoggerProvider): void {
  provider = next;
}

/** The logger for `name` from the provider in place now (kafka-node asks once per module; the facade per use). */
export function getLogger(name: string): KafkaNodeLogger {
  return provider(name);
}
