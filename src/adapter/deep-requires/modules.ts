/**
 * Which files inside kafka-node (`kafka-node/<subpath>`) the facade serves, and what to say for the others.
 * Served: the logging hook kafka-node's README documents and the error classes (kafka-node exports none from its root,
 * so code tests `err instanceof errors.X` with errors from kafka-node/lib/errors). kafka-node's other files are its internals (wire
 * protocol, codecs, its ZooKeeper client...): the facade has no such layer, so requiring one fails at once, naming the
 * module and what to use instead. Read by the require hook (src/register.ts) and by `scan`; data only, no imports.
 */
export const KAFKA_NODE_PACKAGE = 'kafka-node';

/** kafka-node 5's lib/errors/<Name> files, each served by the facade class of the same meaning. */
export const KAFKA_NODE_ERROR_FILES: readonly string[] = [
  'ApiNotSupportedError',
  'BrokerNotAvailableError',
  'FailedToRebalanceConsumerError',
  'FailedToRegisterConsumerError',
  'GroupCoordinatorNotAvailableError',
  'GroupLoadInProgressError',
  'HeartbeatTimeoutError',
  'IllegalGenerationError',
  'InvalidConfigError',
  'InvalidConsumerOffsetError',
  'InvalidRequestError',
  'MessageSizeTooLargeError',
  'NotControllerError',
  'NotCoordinatorForGroupError',
  'RebalanceInProgressError',
  'SaslAuthenticationError',
  'TimeoutError',
  'TopicsNotExistError',
  'UnknownMemberIdError',
];

/** `lib/errors/index.js` -> `lib/errors`: the forms of one file a require may name. */
function normalized(subpath: string): string {
  return subpath.replace(/\.js$/, '').replace(/\/index$/, '');
}

/**
 * The facade file (relative to src/adapter, no extension) that serves `kafka-node/<subpath>`, or undefined when the
 * facade does not serve it. '' is the package itself.
 */
export function servedDeepRequire(subpath: string): string | undefined {
  const wanted = normalized(subpath);
  if (wanted === '' || wanted === 'kafka') return 'index';
  if (wanted === 'logging') return 'deep-requires/logging';
  if (wanted === 'lib/logging') return 'deep-requires/lib-logging';
  if (wanted === 'lib/errors') return 'deep-requires/errors';
  const errorFile = /^lib\/errors\/(\w+)$/.exec(wanted)?.[1];
  if (errorFile && KAFKA_NODE_ERROR_FILES.includes(errorFile)) return `deep-requires/errors/${errorFile}`;
  return undefined;
}

/** What replaces a kafka-node internal module, by its first path segments. */
const ALTERNATIVES: ReadonlyArray<[RegExp, string]> = [
  [
    /^lib\/(zookeeper|client)$/,
    "KafkaClient({ kafkaHost }) from the package root 'kafka-node' (the facade's Client reads brokers from ZooKeeper once)",
  ],
  [
    /^lib\/(protocol|codec|batch|wrapper|resources)(\/|$)/,
    "the classes of the package root 'kafka-node' (KafkaClient.loadMetadataForTopics, Offset, Admin): the facade has no kafka-node wire layer",
  ],
  [
    /^lib\/(partitioner|assignment)(\/|$)/,
    "the partitioners and the 'roundrobin'/'range' protocols exported by the package root 'kafka-node'",
  ],
  [
    /^lib\/(baseProducer|producer|highLevelProducer|producerStream)$/,
    "the producer classes exported by the package root 'kafka-node'",
  ],
  [
    /^lib\/(consumer|consumerGroup|consumerStream|consumerGroupStream|commitStream|consumerGroupHeartbeat|consumerGroupRecovery|offset)$/,
    "the consumer classes and Offset exported by the package root 'kafka-node'",
  ],
  [/^lib\/(kafkaClient|baseClient|admin)$/, "KafkaClient and Admin exported by the package root 'kafka-node'"],
];

/** Why `kafka-node/<subpath>` is not served and what to use instead. */
export function notServedMessage(subpath: string): string {
  const wanted = normalized(subpath);
  const alternative =
    ALTERNATIVES.find(([pattern]) => pattern.test(wanted))?.[1] ??
    "kafka-node's public API, the package root 'kafka-node'";
  return (
    `kafka-node-adapter does not serve 'kafka-node/${subpath}' (a kafka-node internal module): use ${alternative}. ` +
    "Served deep requires: 'kafka-node/logging', 'kafka-node/lib/logging', 'kafka-node/lib/errors', 'kafka-node/lib/errors/<Name>'"
  );
}
