/**
 * Loads @confluentinc/kafka-javascript on first use. It is an optional peer dependency: users who choose the
 * confluent backend install it; everyone else never loads it (nor its native module).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ConfigurationError } from '../common/errors';

export const CONFLUENT_PACKAGE = '@confluentinc/kafka-javascript';

export type ConfluentKafkaJS = typeof KafkaJS;

/** The package could not be loaded: not installed, or its native part not built. */
export class ConfluentLibraryMissingError extends ConfigurationError {
  override readonly name: string = 'ConfluentLibraryMissingError';
}

let loaded: { kafkaJS: ConfluentKafkaJS; librdkafkaVersion: string } | null = null;

export function loadConfluent(): { kafkaJS: ConfluentKafkaJS; librdkafkaVersion: string } {
  if (loaded) return loaded;
  let library: { KafkaJS: ConfluentKafkaJS; librdkafkaVersion: string };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    library = require(CONFLUENT_PACKAGE) as typeof library;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${CONFLUENT_PACKAGE}'`);
    throw new ConfluentLibraryMissingError(
      missing
        ? `backend "confluent" needs the package ${CONFLUENT_PACKAGE}: npm install ${CONFLUENT_PACKAGE}`
        : `backend "confluent": ${CONFLUENT_PACKAGE} is installed but did not load (${(error as Error).message}); ` +
            `its native module may not be built: reinstall it, or build it from source (this project: bash scripts/build-confluent.sh)`,
    );
  }
  loaded = { kafkaJS: library.KafkaJS, librdkafkaVersion: library.librdkafkaVersion };
  return loaded;
}
