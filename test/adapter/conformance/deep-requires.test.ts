/**
 * Conformance of kafka-node's deep requires (kafka-node/logging, kafka-node/lib/logging, kafka-node/lib/errors and
 * kafka-node/lib/errors/<Name>): one program (programs/deep-requires.js) run by plain node on the real kafka-node and
 * through the register hook on the facade on every engine. `instanceof` must hold for an error the client raises.
 * An internal module (lib/protocol) loads in kafka-node and fails at require time on the facade, by design.
 */
import { expect } from 'chai';
import * as path from 'path';
import { describeRun, runProgram, type RunMode } from '../helpers/run-example';
import { CONFORMANCE_MODES, childProcessConformance, compareConformance } from './helpers';
import {
  DEEP_REQUIRES_PROGRAM,
  INTERNAL_MODULE_BY_DESIGN,
  checkDeepRequiresReference,
  deepRequiresTrace,
} from './deep-requires-program';

describe('adapter/conformance: kafka-node deep requires (logging, lib/errors) through the register hook', function () {
  this.timeout(120000);
  const { counts, broker } = childProcessConformance('deep requires');

  it('serves the logger hook and the error classes (instanceof holds), and refuses internal modules at require time', async () => {
    const traces = new Map<RunMode, unknown[]>();
    for (const mode of CONFORMANCE_MODES) {
      const result = await runProgram(mode, DEEP_REQUIRES_PROGRAM, {
        env: { KAFKA_HOST: broker().bootstrap },
        timeoutMs: 60000,
      });
      expect(result.code, describeRun(mode, result)).to.equal(0);
      traces.set(
        mode,
        deepRequiresTrace(JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>),
      );
    }
    compareConformance(counts, '', traces, checkDeepRequiresReference, [INTERNAL_MODULE_BY_DESIGN]);
  });

  it('names the internal module and the alternative in the require-time error', async () => {
    const file = path.join(__dirname, 'programs', 'internal-module.js');
    for (const mode of CONFORMANCE_MODES.filter((m) => m !== 'kafka-node')) {
      const result = await runProgram(mode, file, { timeoutMs: 60000 });
      expect(result.code, describeRun(mode, result)).to.equal(0);
      expect(JSON.parse(result.stdout.trim())).to.deep.equal({
        zookeeper: [
          'KafkaNodeModuleNotServedError',
          "kafka-node-adapter does not serve 'kafka-node/lib/zookeeper'",
          'KafkaClient({ kafkaHost })',
        ],
        protocol: [
          'KafkaNodeModuleNotServedError',
          "kafka-node-adapter does not serve 'kafka-node/lib/protocol/protocol'",
          'no kafka-node wire layer',
        ],
      });
    }
  });
});
