import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { BrokerOptionsError } from '../../src/broker';

interface KafkaNodeMetadata {
  [nodeId: string]: { nodeId: number; host: string; port: number };
}
interface KafkaNodeTopicMetadata {
  error?: string[];
  metadata: Record<
    string,
    Record<string, { topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }>
  >;
}

function kafkaNodeMetadata(bootstrap: string, topics: string[]): Promise<[KafkaNodeMetadata, KafkaNodeTopicMetadata]> {
  const client = new kafkaNode.KafkaClient({ kafkaHost: bootstrap, connectTimeout: 3000, requestTimeout: 5000 });
  return new Promise((resolve, reject) => {
    client.loadMetadataForTopics(topics, (error: Error | null, result: unknown) => {
      client.close(() => undefined);
      if (error) reject(error);
      else resolve(result as [KafkaNodeMetadata, KafkaNodeTopicMetadata]);
    });
  });
}

describe('broker/cluster', () => {
  let broker: EmbeddedBroker | undefined;
  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('rejects bad options before opening any port', async () => {
    for (const options of [{ port: -1 }, { port: 70000 }, { nodes: 0 }, { nodes: 1.5 }, { port: 65535, nodes: 3 }]) {
      let caught: unknown;
      try {
        broker = await startBroker({ ...options, logger: silentLogger });
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(options)).to.be.instanceOf(BrokerOptionsError);
    }
  });

  it('serves metadata of a 3-node cluster to kafkajs and kafka-node, leaders spread over nodes', async () => {
    broker = await startBroker({ nodes: 3, logger: silentLogger });
    broker.cluster.createTopic({ name: 'spread', numPartitions: 6, replicationFactor: 3 });
    expect(broker.brokers).to.have.length(3);

    const kafka = new Kafka({ brokers: [broker.brokers[0]!], clientId: 'cluster-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => b.nodeId).sort()).to.deep.equal([1, 2, 3]);
      expect(cluster.controller).to.equal(1);
      const { topics } = await admin.fetchTopicMetadata({ topics: ['spread'] });
      const leaders = topics[0]!.partitions.map((p) => p.leader);
      expect(new Set(leaders)).to.deep.equal(new Set([1, 2, 3]));
      for (const partition of topics[0]!.partitions) expect(partition.replicas).to.have.length(3);
    } finally {
      await admin.disconnect();
    }

    const [nodes, topicMetadata] = await kafkaNodeMetadata(broker.bootstrap, ['spread']);
    expect(Object.keys(nodes).sort()).to.deep.equal(['1', '2', '3']);
    expect(Object.keys(topicMetadata.metadata.spread!)).to.have.length(6);
  });

  it('moves leadership off a stopped node and back into the ISR when it restarts', async () => {
    broker = await startBroker({ nodes: 3, logger: silentLogger });
    broker.cluster.createTopic({ name: 'failover', numPartitions: 3, replicationFactor: 3 });
    const ledByTwo = broker.cluster
      .getTopic('failover')!
      .partitions.filter((p) => p.leader === 2)
      .map((p) => p.index);
    expect(ledByTwo).to.have.length.greaterThan(0);

    await broker.stopNode(2);
    const [nodes, afterStop] = await kafkaNodeMetadata(broker.brokers[0]!, ['failover']);
    expect(Object.keys(nodes).sort()).to.deep.equal(['1', '3']);
    for (const partition of Object.values(afterStop.metadata.failover!)) {
      expect(partition.leader).to.not.equal(2);
      expect(partition.isr).to.not.include(2);
    }

    await broker.startNode(2);
    const [nodesAgain, afterStart] = await kafkaNodeMetadata(broker.brokers[1]!, ['failover']);
    expect(Object.keys(nodesAgain).sort()).to.deep.equal(['1', '2', '3']);
    for (const partition of Object.values(afterStart.metadata.failover!)) expect(partition.isr).to.include(2);
  });

  it('reports LEADER_NOT_AVAILABLE for partitions whose only replica is down', async () => {
    broker = await startBroker({ nodes: 2, logger: silentLogger });
    broker.cluster.createTopic({ name: 'single', numPartitions: 2, replicationFactor: 1 });
    const partitions = broker.cluster.getTopic('single')!.partitions;
    const victim = partitions[0]!.leader;
    await broker.stopNode(victim);
    expect(partitions[0]!.leader).to.equal(-1);
    const survivor = broker.brokers[victim === 1 ? 1 : 0]!;
    const [, metadata] = await kafkaNodeMetadata(survivor, ['single']);
    // kafka-node drops partitions that carry an error and lists the error names instead.
    expect(metadata.error).to.deep.equal(['LeaderNotAvailable']);
    expect(Object.keys(metadata.metadata.single!)).to.deep.equal(['1']);
  });

  it('auto-creates a topic on first metadata request and answers LEADER_NOT_AVAILABLE that first time', async () => {
    broker = await startBroker({ logger: silentLogger, defaultPartitions: 3 });
    const [, first] = await kafkaNodeMetadata(broker.bootstrap, ['auto-created']);
    expect(first.error).to.deep.equal(['LeaderNotAvailable']);
    const [, second] = await kafkaNodeMetadata(broker.bootstrap, ['auto-created']);
    expect(second.error).to.equal(undefined);
    expect(Object.keys(second.metadata['auto-created']!)).to.deep.equal(['0', '1', '2']);
  });

  it('does not auto-create when disabled, nor when kafkajs asks without allowAutoTopicCreation', async () => {
    broker = await startBroker({ logger: silentLogger, autoCreateTopics: false });
    const [, metadata] = await kafkaNodeMetadata(broker.bootstrap, ['nope']);
    expect(metadata.error).to.deep.equal(['UnknownTopicOrPartition']);
    expect(broker.cluster.getTopic('nope')).to.equal(undefined);
    await broker.stop();

    broker = await startBroker({ logger: silentLogger });
    const kafka = new Kafka({
      brokers: broker.brokers,
      clientId: 'cluster-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const error = await admin.fetchTopicMetadata({ topics: ['not-created'] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/does not host this topic-partition/);
      expect(broker.cluster.getTopic('not-created')).to.equal(undefined);
    } finally {
      await admin.disconnect();
    }
  });
});
