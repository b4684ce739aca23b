import { startEmbedded, type EmbeddedBroker } from '../../fixtures/embedded';
import { setWarningHandler } from '../../../src/adapter/warnings';

/** Turns one kafka-node style callback call into a promise. */
export function call<T>(run: (cb: (error: Error | null, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result as T))));
}

export interface FacadeSuite {
  /** The embedded broker, available once the suite's before hook has run. */
  readonly broker: EmbeddedBroker;
  /** Closed in reverse order after each test, failures ignored, so one test's clients never leak into the next. */
  readonly closers: Array<() => Promise<void>>;
}

/**
 * Registers the hooks every facade suite needs inside the calling describe(): one embedded broker for the suite,
 * per-test cleanup, and a silenced warning channel (the emulation warnings are expected in these suites;
 * facade-entry.test.ts checks the channel itself).
 */
export function useFacadeSuite(): FacadeSuite {
  let broker: EmbeddedBroker | undefined;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    setWarningHandler(() => undefined);
    broker = await startEmbedded();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  after(async () => {
    setWarningHandler(null);
    await broker?.stop();
  });

  return {
    get broker(): EmbeddedBroker {
      if (!broker) throw new Error('the embedded broker is used before the suite started it');
      return broker;
    },
    closers,
  };
}
