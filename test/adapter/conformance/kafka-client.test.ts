/**
 * Conformance of kafka-node's KafkaClient (scenarios/kafka-client.ts) on the embedded broker, every engine, and of an
 * asynchronous failure nobody listens to: kafka-node's EventEmitter throws its 'error' (an uncaught exception), which
 * the facade must do too rather than leave an unhandled promise rejection. Those run as child processes
 * (programs/unhandled-error.js), since they end the process.
 */
import { expect } from 'chai';
import * as path from 'path';
import { describeRun, runProgram, type RunMode } from '../helpers/run-example';
import { CONFORMANCE_MODES, childProcessConformance, compareConformance, conformanceOnEmbedded } from './helpers';
import { KAFKA_CLIENT_SCENARIOS } from './scenarios/kafka-client';

const UNHANDLED_PROGRAM = path.join(__dirname, 'programs', 'unhandled-error.js');

describe('adapter/conformance: KafkaClient (real kafka-node and the facade on every engine, embedded broker)', function () {
  this.timeout(120000);
  conformanceOnEmbedded('KafkaClient', KAFKA_CLIENT_SCENARIOS);
});

describe('adapter/conformance: an asynchronous failure with no error listener (child processes)', function () {
  this.timeout(240000);
  const { counts, broker } = childProcessConformance('unhandled error event');

  const outcomes = async (which: string, kafkaHost: () => string, modes: readonly RunMode[]) => {
    const traces = new Map<RunMode, unknown[]>();
    for (const mode of modes) {
      const result = await runProgram(mode, UNHANDLED_PROGRAM, {
        env: { KAFKA_HOST: kafkaHost(), UNHANDLED_CASE: which },
        timeoutMs: 60000,
      });
      expect(result.code, describeRun(mode, result)).to.equal(0);
      const outcome = JSON.parse(result.stdout.trim().split('\n').pop()!) as { how: string; message?: string };
      // What the process sees: how the error surfaced; the message says what failed (engines word it their own way).
      traces.set(mode, [outcome.how, /ECONNREFUSED|not exist|no-such-topic/.test(outcome.message ?? '')]);
    }
    return traces;
  };

  it('a plain Consumer of a topic that does not exist: the error event is thrown (uncaughtException)', async () => {
    const traces = await outcomes('consumer', () => broker().bootstrap, CONFORMANCE_MODES);
    compareConformance(counts, 'missing topic', traces, (trace) =>
      expect(trace).to.deep.equal(['uncaughtException', true]),
    );
  });

  it('a KafkaClient with no broker to reach: the error event is thrown (uncaughtException)', async () => {
    // librdkafka reports an unreachable broker only after about 35 s (its own retries): the confluent engine is left
    // out here to keep the suite fast; the missing-topic case above runs it.
    const modes = CONFORMANCE_MODES.filter((mode) => mode !== 'facade:confluent');
    // (programs/unhandled-error.js also has a ConsumerGroup case, UNHANDLED_CASE=group: its client fails the same way.)
    const traces = await outcomes('client', () => '127.0.0.1:1', modes);
    compareConformance(counts, 'unreachable client', traces, (trace) =>
      expect(trace).to.deep.equal(['uncaughtException', true]),
    );
  });
});
