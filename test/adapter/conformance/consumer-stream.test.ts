/** Conformance of kafka-node's ConsumerStream (scenarios/streams.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { CONSUMER_STREAM_SCENARIOS } from './scenarios/streams';

describe('adapter/conformance: ConsumerStream (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('ConsumerStream', CONSUMER_STREAM_SCENARIOS);
});
