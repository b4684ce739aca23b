/** programs/deep-requires.js and what its report must show: shared by the register-hook and the npm-alias runs. */
import { expect } from 'chai';
import * as path from 'path';

export const DEEP_REQUIRES_PROGRAM = path.join(__dirname, 'programs', 'deep-requires.js');

/** The program's report as trace entries, in a fixed order. */
export function deepRequiresTrace(report: Record<string, unknown>): unknown[] {
  return [
    'logging',
    'libLogging',
    'errorIndex',
    'consumerGroupErrors',
    'errorFiles',
    'indexFile',
    'topicExists',
    'kafkaNodeLoggers',
    'internalModule',
  ].map((key) => report[key]);
}

export function checkDeepRequiresReference(trace: unknown[]): void {
  expect(trace[0]).to.deep.equal(['setLoggerProvider']);
  expect(trace[1]).to.deep.equal(['function', 'function', ['debug', 'error', 'info', 'warn']]);
  expect(trace[3]).to.deep.equal([
    'GroupCoordinatorNotAvailable',
    'GroupLoadInProgress',
    'HeartbeatTimeout',
    'IllegalGeneration',
    'NotCoordinatorForGroup',
    'RebalanceInProgress',
    'UnknownMemberId',
  ]);
  expect((trace[4] as unknown[][]).every((file) => file[2] === true && file[4] === true)).to.equal(true);
  expect(trace[6]).to.deep.equal([true, 'TopicsNotExistError', 'The topic(s) no-such-topic do not exist']);
  expect(trace[7]).to.equal(true);
  expect(trace[8]).to.equal('loaded');
}

export const INTERNAL_MODULE_BY_DESIGN = {
  entry: 8,
  facadeValue: 'failed: KafkaNodeModuleNotServedError',
  warning: 'require.kafka-node-internal',
};
