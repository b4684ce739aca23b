/**
 * The conformance scenarios on Apache Kafka 0.9.0.1, the broker generation kafka-node was written for: the real
 * kafka-node and the facade on the engines that can talk to it (KAFKA_09_MODES), one shared broker.
 */
import { conformanceOnKafka09 } from './helpers';
import { CONSUMER_SCENARIOS } from './scenarios/consumer';
import { CONSUMER_STREAM_SCENARIOS } from './scenarios/streams';

describe('adapter/conformance on Apache Kafka 0.9.0.1', function () {
  this.timeout(120000);
  conformanceOnKafka09([
    ['Consumer', CONSUMER_SCENARIOS],
    ['ConsumerStream', CONSUMER_STREAM_SCENARIOS],
  ]);
});
