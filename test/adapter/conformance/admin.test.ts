/** Conformance of kafka-node's Admin (scenarios/admin.ts) on the embedded broker, every engine. */
import { conformanceOnEmbedded } from './helpers';
import { ADMIN_SCENARIOS } from './scenarios/admin';

describe('adapter/conformance: Admin (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('Admin', ADMIN_SCENARIOS);
});
