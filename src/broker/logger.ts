/** Where the broker says why it closed a connection or refused a request. Credentials are never passed here. */
export interface BrokerLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: BrokerLogger = {
  info: (message) => console.log(`[broker] ${message}`),
  warn: (message) => console.warn(`[broker] ${message}`),
};

export const silentLogger: BrokerLogger = {
  info: () => undefined,
  warn: () => undefined,
};

/** Keeps what was logged, for tests that check the broker explained itself. */
export class MemoryLogger implements BrokerLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
}
