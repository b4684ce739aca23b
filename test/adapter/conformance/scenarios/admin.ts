/**
 * kafka-node's Admin (lib/admin.js) passes describeConfigs' broker answers through: a topic that does not exist is the
 * broker's UnknownTopicOrPartition (errorCode 3), an invalid name its InvalidTopic (17), a broker id missing from the
 * metadata 'No broker with id N' before any request, an unknown resource type its own message.
 */
import { expect } from 'chai';
import { newClient, readyOrError } from '../../helpers/differential-scenarios';
import type { ConformanceScenario } from '../helpers';
import { answer } from './errors';

const CONFLUENT_REFUSAL =
  'describeConfigs is not supported by the confluent backend: @confluentinc/kafka-javascript has no DescribeConfigs call. ';

export const ADMIN_SCENARIOS: ConformanceScenario[] = [
  {
    // The confluent client has no DescribeConfigs: the facade refuses topic resources there (it checks broker ids first).
    byDesign: [1, 3].map((entry) => ({
      entry,
      modes: ['facade:confluent'] as const,
      warning: 'admin.describeConfigs.confluent',
      facadeValue: { error: { name: 'UnsupportedFeatureError', message: CONFLUENT_REFUSAL } },
    })),
    notOnKafka09: 'DescribeConfigs came with Kafka 0.11',
    name: 'describeConfigs of a topic or broker that does not exist answers the broker error as kafka-node passes it',
    async run(context) {
      const client = newClient(context.kafka, context.kafkaHost);
      // Not in kafka-node's type declarations (lib/admin.js).
      const { Admin } = context.kafka as unknown as {
        Admin: new (client: unknown) => NodeJS.EventEmitter & {
          describeConfigs(payload: object, cb: (error: unknown, result?: unknown) => void): void;
        };
      };
      const admin = new Admin(client);
      context.record(await readyOrError(admin, 'admin'));
      const describe = (resources: object[]) =>
        answer((done) => admin.describeConfigs({ resources, includeSynonyms: false }, done));
      context.record(await describe([{ resourceType: 'topic', resourceName: 'no-such-topic', configNames: [] }]));
      context.record(await describe([{ resourceType: 'broker', resourceName: '77', configNames: [] }]));
      context.record(await describe([{ resourceType: 'topic', resourceName: 'bad topic!', configNames: [] }]));
      context.record(await describe([{ resourceType: 'cluster', resourceName: 'c', configNames: [] }]));
      await new Promise<void>((resolve) => client.close(() => resolve()));
    },
    check(trace) {
      expect(trace.slice(1)).to.deep.equal([
        { error: { name: 'Error', message: 'UnknownTopicOrPartition', errorCode: 3 } },
        { error: { name: 'Error', message: 'No broker with id 77' } },
        { error: { name: 'Error', message: 'InvalidTopic', errorCode: 17 } },
        { error: { name: 'Error', message: 'Unexpected resource type cluster for resource c' } },
      ]);
    },
  },
];
