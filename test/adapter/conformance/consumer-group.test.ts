/** Conformance of kafka-node's ConsumerGroup (scenarios/consumer-group.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { CONSUMER_GROUP_SCENARIOS } from './scenarios/consumer-group';

describe('adapter/conformance: ConsumerGroup (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('ConsumerGroup', CONSUMER_GROUP_SCENARIOS);
});
