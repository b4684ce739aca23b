/**
 * The conformance scenarios on Apache Kafka 0.9.0.1, the broker generation kafka-node was written for: the real
 * kafka-node and the facade on the engines that can talk to it (KAFKA_09_MODES), one shared broker.
 */
import { conformanceOnKafka09 } from './helpers';
import { ADMIN_SCENARIOS } from './scenarios/admin';
import { CONSUMER_SCENARIOS } from './scenarios/consumer';
import { CONSUMER_GROUP_SCENARIOS } from './scenarios/consumer-group';
import { CONSUMER_GROUP_STREAM_SCENARIOS } from './scenarios/consumer-group-stream';
import { KAFKA_CLIENT_SCENARIOS } from './scenarios/kafka-client';
import { OFFSET_SCENARIOS } from './scenarios/offset';
import { CONSUMER_STREAM_SCENARIOS } from './scenarios/streams';

describe('adapter/conformance on Apache Kafka 0.9.0.1', function () {
  this.timeout(120000);
  conformanceOnKafka09([
    ['Consumer', CONSUMER_SCENARIOS],
    ['ConsumerStream', CONSUMER_STREAM_SCENARIOS],
    ['ConsumerGroup', CONSUMER_GROUP_SCENARIOS],
    ['ConsumerGroupStream', CONSUMER_GROUP_STREAM_SCENARIOS],
    ['Offset', OFFSET_SCENARIOS],
    ['KafkaClient', KAFKA_CLIENT_SCENARIOS],
    ['Admin', ADMIN_SCENARIOS],
  ]);
});
