/**
 * Methods on the prototypes of kafka-node 5's public classes beyond its type declarations that the facade does not
 * serve: kafka-node's own connection, request and fetch machinery (lib/*.js), which services sometimes call. Each is
 * refused when called, with KafkaNodeInternalMethodError naming the method and what to use, and warning
 * `internal-method.<Class>.<method>` (scan rates these calls unsupported with the same name).
 *
 * What kafka-node's prototypes have and the facade serves is served with kafka-node's meaning; the table test in
 * test/adapter/internal-methods.test.ts walks every prototype method of the real kafka-node's classes and holds both.
 */
import { ConfigurationError } from '../common/errors';
import { warnOnce } from './warnings';

const METADATA = 'loadMetadataForTopics / refreshMetadata / topicExists';
const REQUESTS = "the class's public methods (send, commit, Offset, Admin)";

const CLIENT_MACHINERY: Record<string, string> = {
  ...Object.fromEntries(
    [
      '_clearAllTimeouts',
      '_clearTimeout',
      '_createMessageHandler',
      '_createTimeout',
      'clearCallbackQueue',
      'closeBrokers',
      'connectToBroker',
      'connectToBrokers',
      'createBroker',
      'deleteDisconnected',
      'getAvailableBroker',
      'getBroker',
      'getBrokers',
      'handleReceivedData',
      'initializeBroker',
      'invokeResponseCallback',
      'isValidBroker',
      'nextId',
      'nextSocketId',
      'queueCallback',
      'reconnectBroker',
      'refreshBrokers',
      'saslAuth',
      'setupBroker',
      'unqueueCallback',
      'waitUntilReady',
      'wrapControllerCheckIfNeeded',
      'wrapTimeoutIfNeeded',
    ].map((name) => [name, "connections are the engine's: the client emits 'ready', 'connect' and 'error'"]),
  ),
  ...Object.fromEntries(
    [
      'brokerForLeader',
      'checkMetadatas',
      'hasMetadata',
      'leaderByPartition',
      'leaderLessPayloads',
      'loadMetadataFrom',
      'payloadsByLeader',
      'refreshBrokerMetadata',
      'removeTopicMetadata',
      'setBrokerMetadata',
      'setClusterMetadata',
      'setControllerId',
      'verifyPayloadsHasLeaders',
      'getController',
      'getApiVersions',
    ].map((name) => [name, `${METADATA}, and the brokerMetadata / topicMetadata the client keeps`]),
  ),
  ...Object.fromEntries(
    [
      'send',
      'sendRequest',
      'sendToBroker',
      'sendWhenReady',
      'sendRequestToAnyBroker',
      'sendRequestToBroker',
      'sendControllerRequest',
      'sendFetchRequest',
      'sendProduceRequest',
      'sendOffsetRequest',
      'sendOffsetCommitRequest',
      'sendOffsetFetchRequest',
      'sendOffsetFetchV1Request',
      'setCoordinatorIdAndSendOffsetFetchV1Request',
      'sendGroupCoordinatorRequest',
      'sendGroupRequest',
      'sendJoinGroupRequest',
      'sendSyncGroupRequest',
      'sendHeartbeatRequest',
      'sendLeaveGroupRequest',
    ].map((name) => [name, `kafka-node's wire requests: ${REQUESTS}`]),
  ),
  addTopics: 'Consumer#addTopics (a client fetches nothing itself)',
  describeConfigs: 'Admin#describeConfigs',
  getListGroups: 'Admin#listGroups',
  getDescribeGroups: 'Admin#describeGroups',
};

const FETCH_LOOP = "fetching is the engine's: listen to 'message', use pause() / resume() / setOffset()";

/** Class -> refused method -> what to use instead. */
export const KAFKA_NODE_INTERNAL_METHODS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  KafkaClient: CLIENT_MACHINERY,
  Producer: { connect: "the producer connects with its client: wait for 'ready'" },
  HighLevelProducer: { connect: "the producer connects with its client: wait for 'ready'" },
  Consumer: {
    autoCommit: 'commit() (autoCommit commits on its interval)',
    connect: "the consumer starts with its client: wait for 'message'",
    fetch: FETCH_LOOP,
    fetchOffset: 'Offset#fetch, or setOffset()',
    updateOffsets: 'setOffset() / commit()',
  },
  ConsumerStream: {
    _emit: FETCH_LOOP,
    buildPayloads: 'the payloads given to the constructor',
    connect: "the stream starts with its client: read it or listen to 'data'",
    decodeCallback: FETCH_LOOP,
    fetch: FETCH_LOOP,
    handleMessage: FETCH_LOOP,
    init: "the stream starts with its client: read it or listen to 'data'",
    transmitMessages: 'Readable read() / resume()',
    updateOffsets: 'setOffset() / commit()',
  },
  ConsumerGroup: {
    _checkTopicPartitionChange: 'topicPartitionCheckInterval (the group checks and rejoins itself)',
    _onFetchDone: FETCH_LOOP,
    _onFetchProcessing: FETCH_LOOP,
    _resetFetchState: FETCH_LOOP,
    assignPartitions: "assignment is the engine's: listen to 'rebalanced'",
    autoCommit: 'commit() (autoCommit commits on its interval)',
    buildPayloadMap: FETCH_LOOP,
    buildPayloads: FETCH_LOOP,
    clearPendingFetches: FETCH_LOOP,
    fetch: FETCH_LOOP,
    fetchOffset: 'Offset#fetchCommits',
    getDefaultOffset: 'Offset#fetchEarliestOffsets / fetchLatestOffsets',
    getOffset: 'Offset#fetchCommits',
    handleJoinGroup: "membership is the engine's: listen to 'rebalancing' / 'rebalanced'",
    handleSyncGroup: "membership is the engine's: listen to 'rebalancing' / 'rebalanced'",
    leaveGroup: 'close()',
    reconnectIfNeeded: "reconnection is the engine's",
    saveDefaultOffsets: 'Offset#fetchEarliestOffsets / fetchLatestOffsets',
    scheduleReconnect: "reconnection is the engine's",
    sendHeartbeat: "heartbeats are the engine's (heartbeatInterval)",
    setCoordinatorId: "the coordinator is the engine's",
    setupProtocols: 'the protocol option',
    startHeartbeats: "heartbeats are the engine's (heartbeatInterval)",
    stopHeartbeats: "heartbeats are the engine's (heartbeatInterval)",
    updateOffsets: 'setOffset() / commit()',
  },
  Offset: {
    buildOffsetFetchV1Payloads: 'fetchCommits(groupId, payloads, cb)',
    buildPayloads: 'fetch(payloads, cb)',
  },
};

/** A kafka-node internal method a service called: not served by the facade. */
export class KafkaNodeInternalMethodError extends ConfigurationError {
  override readonly name: string = 'KafkaNodeInternalMethodError';
  constructor(
    readonly className: string,
    readonly method: string,
    alternative: string,
  ) {
    super(
      `${className}#${method} is kafka-node's internal machinery (not in its type declarations) and kafka-node-adapter does not serve it; use ${alternative}`,
    );
  }
}

const REFUSAL = Symbol('kafka-node-adapter refused method');

/** Whether `method` is one of the refusals installed here (the table test tells served methods from refused ones). */
export function isRefusal(method: unknown): boolean {
  return typeof method === 'function' && (method as { [REFUSAL]?: boolean })[REFUSAL] === true;
}

/** Installs the refusals on the facade's classes (a method a class already serves is left alone). */
export function refuseInternalMethods(classes: Record<string, { prototype: object }>): void {
  for (const [className, methods] of Object.entries(KAFKA_NODE_INTERNAL_METHODS)) {
    const prototype = classes[className]?.prototype as Record<string, unknown> | undefined;
    if (!prototype) continue;
    for (const [method, alternative] of Object.entries(methods)) {
      if (method in prototype) continue;
      const refuse = function (): never {
        const error = new KafkaNodeInternalMethodError(className, method, alternative);
        warnOnce(`internal-method.${className}.${method}`, error.message);
        throw error;
      };
      Object.defineProperty(refuse, REFUSAL, { value: true });
      Object.defineProperty(prototype, method, { value: refuse, writable: true, configurable: true });
    }
  }
}
