'use strict';
// A kafka-node service's deep requires, as kafka-node's README and real services use them: the logger hook plugged in
// before kafka-node is loaded, the error classes from inside the package, and one internal module. Prints one JSON
// line of what it observed. KAFKA_HOST: a broker; the topic 'no-such-topic' must not exist there.
const logging = require('kafka-node/logging');
const requestedLoggers = new Set();
logging.setLoggerProvider((name) => {
  requestedLoggers.add(name);
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, warn: ignore, error: ignore };
});
const getLogger = require('kafka-node/lib/logging');
const errors = require('kafka-node/lib/errors');
const kafka = require('kafka-node');

const ERROR_FILES = [
  'ApiNotSupportedError', 'BrokerNotAvailableError', 'FailedToRebalanceConsumerError', 'FailedToRegisterConsumerError',
  'GroupCoordinatorNotAvailableError', 'GroupLoadInProgressError', 'HeartbeatTimeoutError', 'IllegalGenerationError',
  'InvalidConfigError', 'InvalidConsumerOffsetError', 'InvalidRequestError', 'MessageSizeTooLargeError', 'NotControllerError',
  'NotCoordinatorForGroupError', 'RebalanceInProgressError', 'SaslAuthenticationError', 'TimeoutError', 'TopicsNotExistError',
  'UnknownMemberIdError',
];

function outcome(load) {
  try {
    load();
    return 'loaded';
  } catch (error) {
    return `failed: ${error.name}`;
  }
}

const report = {
  logging: Object.keys(logging),
  libLogging: [typeof getLogger, typeof getLogger.setLoggerProvider, Object.keys(getLogger('kafka-node:Test')).sort()],
  errorIndex: Object.keys(errors),
  consumerGroupErrors: errors.ConsumerGroupErrors.map((ErrorClass) => new ErrorClass('m').name),
  errorFiles: ERROR_FILES.map((file) => {
    const ErrorClass = require(`kafka-node/lib/errors/${file}`);
    const viaIndex = errors[file] === ErrorClass || errors.ConsumerGroupErrors.includes(ErrorClass);
    const sample = new ErrorClass('m');
    return [file, sample.name, sample instanceof Error, viaIndex, require(`kafka-node/lib/errors/${file}.js`) === ErrorClass];
  }),
  indexFile: require('kafka-node/lib/errors/index') === errors,
  internalModule: outcome(() => require('kafka-node/lib/protocol')),
};

const client = new kafka.KafkaClient({ kafkaHost: process.env.KAFKA_HOST, connectRetryOptions: { retries: 1, minTimeout: 100, maxTimeout: 200 } });
client.on('error', () => undefined);
client.topicExists(['no-such-topic'], (error) => {
  report.topicExists = error ? [error instanceof errors.TopicsNotExistError, error.name, error.message] : 'no error';
  report.kafkaNodeLoggers = [...requestedLoggers].some((name) => name.startsWith('kafka-node:') && name !== 'kafka-node:Test');
  client.close(() => {
    console.log(JSON.stringify(report));
    process.exit(0);
  });
});
