/** Conformance of kafka-node's Offset (scenarios/offset.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { OFFSET_SCENARIOS } from './scenarios/offset';

describe('adapter/conformance: Offset (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('Offset', OFFSET_SCENARIOS);
});
