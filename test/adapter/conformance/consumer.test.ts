/** Conformance of kafka-node's plain Consumer (scenarios/consumer.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { CONSUMER_SCENARIOS } from './scenarios/consumer';

describe('adapter/conformance: Consumer (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('Consumer', CONSUMER_SCENARIOS);
});
