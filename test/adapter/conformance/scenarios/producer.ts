/**
 * Methods of kafka-node's producers beyond its type declarations that services call: buildPayloads (lib/baseProducer.js)
 * answers kafka-node's request layout there; the facade, which has no such layer, refuses it by design.
 */
import { expect } from 'chai';
import { close, newClient, readyOrError } from '../../helpers/differential-scenarios';
import type { ConformanceScenario } from '../helpers';

export const PRODUCER_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'HighLevelProducer#buildPayloads (beyond the types): kafka-node answers its request layout, the facade refuses',
    byDesign: [{ entry: 1, facadeValue: 'thrown ConfigurationError', warning: 'producer.buildPayloads' }],
    async run(context) {
      await context.createTopic(context.name('build'), 1);
      const producer = new context.kafka.HighLevelProducer(newClient(context.kafka, context.kafkaHost), {
        requireAcks: 1,
      });
      context.record(await readyOrError(producer, 'producer'));
      const build = (
        producer as unknown as { buildPayloads(payloads: object[], metadata: object): unknown }
      ).buildPayloads.bind(producer);
      try {
        const built = build(
          [{ topic: context.name('build'), partition: 0, messages: ['x'] }],
          (producer as unknown as { client: { topicMetadata: object } }).client.topicMetadata,
        );
        context.record(Array.isArray(built) ? 'answered an array' : `answered ${typeof built}`);
      } catch (error) {
        context.record(`thrown ${(error as Error).name}`);
      }
      await close(producer);
    },
    check(trace) {
      expect(trace).to.deep.equal(['producer ready', 'answered an array']);
    },
  },
];
