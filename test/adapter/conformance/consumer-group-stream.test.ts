/** Conformance of kafka-node's ConsumerGroupStream (scenarios/consumer-group-stream.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { CONSUMER_GROUP_STREAM_SCENARIOS } from './scenarios/consumer-group-stream';

describe('adapter/conformance: ConsumerGroupStream (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(180000);
  conformanceOnEmbedded('ConsumerGroupStream', CONSUMER_GROUP_STREAM_SCENARIOS);
});
