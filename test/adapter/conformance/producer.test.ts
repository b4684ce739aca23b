/** Conformance of kafka-node's producers (scenarios/producer.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { PRODUCER_SCENARIOS } from './scenarios/producer';

describe('adapter/conformance: HighLevelProducer (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('HighLevelProducer', PRODUCER_SCENARIOS);
});
