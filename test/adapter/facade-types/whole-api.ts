// Every class and method of kafka-node 5's type declarations, used as its own docs show. Only compiled (see
// facade-types.test.ts): first against the real kafka-node types, then with 'kafka-node' mapped to the facade.
import {
  Consumer,
  ConsumerGroup,
  ConsumerGroupStream,
  CustomPartitioner,
  HighLevelProducer,
  KafkaClient,
  KeyedMessage,
  Offset,
  Producer,
  ProducerStream,
  TopicsNotExistError,
  type ConsumerGroupOptions,
  type ConsumerOptions,
  type CreateTopicRequest,
  type KafkaClientOptions,
  type Message,
  type MetadataResponse,
  type OffsetCommitRequest,
  type OffsetFetchRequest,
  type OffsetRequest,
  type ProduceRequest,
  type Topic,
} from 'kafka-node';

const options: KafkaClientOptions = {
  kafkaHost: '127.0.0.1:9092',
  connectTimeout: 1000,
  requestTimeout: 2000,
  autoConnect: false,
  connectRetryOptions: { retries: 1 },
  clientId: 'whole-api',
};
const client = new KafkaClient(options);
client.on('ready', () => undefined);
client.on('error', (error: Error) => console.error(error));
client.connect();
client.topicExists(['a'], (error?: TopicsNotExistError) => console.log(error?.topics));
client.refreshMetadata(['a'], () => undefined);
const topics: CreateTopicRequest[] = [
  { topic: 'a', partitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] },
];
client.createTopics(topics, (error, result) => console.log(error, result));
client.loadMetadataForTopics([], (error, result: MetadataResponse) => console.log(error, result[1].metadata));
client.sendOffsetCommitV2Request('g', 3, 'member-1', [{ topic: 'a', partition: 0, offset: 7 }], (error, data) =>
  console.log(error, data),
);

const partitioner: CustomPartitioner = (partitions, key) => partitions[String(key).length % partitions.length]!;
const producer = new Producer(client, { requireAcks: 1, ackTimeoutMs: 100, partitionerType: 4 }, partitioner);
const payloads: ProduceRequest[] = [
  { topic: 'a', messages: 'text' },
  { topic: 'a', messages: [new KeyedMessage('k', 'v'), 'raw'], partition: 1, attributes: 2 },
  { topic: 'a', key: 'k', messages: ['x', 'y'] },
];
producer.on('ready', () => producer.send(payloads, (error, data) => console.log(error, data)));
producer.createTopics(['b'], true, (error, data) => console.log(error, data));
producer.createTopics(['b'], (error, data) => console.log(error, data));
const highLevel = new HighLevelProducer(client);
highLevel.close(() => undefined);

const consumerOptions: ConsumerOptions = {
  groupId: 'g',
  autoCommit: false,
  fromOffset: true,
  encoding: 'buffer',
  keyEncoding: 'utf8',
};
const fetches: Array<OffsetFetchRequest | string> = [{ topic: 'a', partition: 0, offset: 5 }, 'b'];
const consumer = new Consumer(client, fetches, consumerOptions);
consumer.on('message', (message: Message) =>
  console.log(message.value, message.offset, message.highWaterOffset, message.key),
);
consumer.on('offsetOutOfRange', (error) => console.log(error));
consumer.addTopics(['c'], (error, added) => console.log(error, added), true);
const topicObjects: Topic[] = [{ topic: 'd', offset: 0 }];
consumer.addTopics(topicObjects, (error, added) => console.log(error, added));
consumer.removeTopics('c', (error, removed: number) => console.log(error, removed));
consumer.setOffset('a', 0, 10);
consumer.pause();
consumer.resume();
consumer.pauseTopics(['a']);
consumer.resumeTopics(['a']);
consumer.commit((error, data) => console.log(error, data));
consumer.commit(true, (error, data) => console.log(error, data));
consumer.close(true, (error: Error) => console.log(error));

const groupOptions: ConsumerGroupOptions = {
  kafkaHost: '127.0.0.1:9092',
  groupId: 'g',
  sessionTimeout: 15000,
  protocol: ['roundrobin', 'range'],
  fromOffset: 'latest',
  outOfRangeOffset: 'earliest',
  encoding: 'utf8',
};
const group = new ConsumerGroup(groupOptions, 'a');
group.on('message', (message: Message) => console.log(message.topic, group.generationId, group.memberId));
group.on('rebalancing', () => undefined);
group.on('error', (error) => console.log(error));
group.addTopics(['b'], (error, added) => console.log(error, added));
group.removeTopics(['b'], (error, removed) => console.log(error, removed));
group.commit((error, data) => console.log(error, data));
group.commit(false, (error, data) => console.log(error, data));
group.sendOffsetCommitRequest([{ topic: 'a', partition: 0, offset: 1 }], (error, data) => console.log(error, data));
group.setOffset('a', 0, 1);
group.pause();
group.resume();
group.close(true, (error: Error) => console.log(error));
group.close((error: Error) => console.log(error));

const stream = new ConsumerGroupStream({ ...groupOptions, highWaterMark: 10 }, ['a']);
stream.on('data', (message: Message) => stream.commit(message, false, (error, data) => console.log(error, data)));
stream.close(() => undefined);

const offset = new Offset(client);
const offsetRequests: OffsetRequest[] = [{ topic: 'a', partition: 0, time: -1, maxNum: 1 }];
offset.fetch(offsetRequests, (error, data) => console.log(error, data));
const commits: OffsetCommitRequest[] = [{ topic: 'a', partition: 0, offset: 3, metadata: 'm' }];
offset.commit('g', commits, (error, data) => console.log(error, data));
offset.fetchCommits('g', [{ topic: 'a', partition: 0 }], (error, data) => console.log(error, data));
offset.fetchLatestOffsets(['a'], (error, data) => console.log(error, data));
offset.fetchEarliestOffsets(['a'], (error, data) => console.log(error, data));

const producerStream = new ProducerStream({
  kafkaClient: { kafkaHost: '127.0.0.1:9092' },
  producer: { partitionerType: 2 },
});
producerStream.write({ topic: 'a', messages: ['streamed'] });
producerStream.sendPayload([{ topic: 'a', messages: 'direct' }], (error, data) => console.log(error, data));
producerStream.close(() => client.close(() => undefined));
