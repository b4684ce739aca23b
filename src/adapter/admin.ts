/**
 * kafka-node's Admin on the common Admin: listGroups -> { groupId: protocolType }, describeGroups -> { groupId:
 * { groupId, state, protocolType, protocol, members: [{ memberId, clientId, clientHost, memberAssignment }] } },
 * listTopics -> loadMetadataForTopics([]) (kafka-node's [brokers, { metadata, clusterMetadata }]), createTopics as
 * KafkaClient.createTopics.
 */
import { EventEmitter } from 'events';
import { KafkaClient, callbackOf, clientCore, requireCallback } from './client';
import { KafkaNodeError, toKafkaNodeError } from './errors';
import type { CreateTopicRequest, CreateTopicResponse, MetadataResponse, NodeCallback } from './types';

export interface GroupMemberAssignment {
  partitions: Record<string, number[]>;
  version: number;
}

export interface DescribedGroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberAssignment: GroupMemberAssignment;
}

export interface DescribedGroup {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: DescribedGroupMember[];
}

export const RESOURCE_TYPES = { topic: 'topic', broker: 'broker' } as const;
const RESOURCE_TYPE_CODES: Readonly<Record<string, number>> = { topic: 2, broker: 4 };

export interface DescribeConfigsRequest {
  resources: Array<{ resourceType: string; resourceName: string; configNames?: string[] }>;
  includeSynonyms?: boolean;
}

export interface DescribedConfigResource {
  configEntries: Array<{
    synonyms: Array<{ configSynonymName: string; configSynonymValue: string; configSynonymSource: number }>;
    configName: string;
    configValue: string;
    readOnly: boolean;
    configSource: number;
    isSensitive: boolean;
  }>;
  resourceType: string;
  resourceName: string;
}

export class Admin extends EventEmitter {
  readonly client: KafkaClient;
  readonly RESOURCE_TYPES = RESOURCE_TYPES;
  ready: boolean;

  constructor(kafkaClient: KafkaClient) {
    super();
    if (!(kafkaClient instanceof KafkaClient))
      throw new Error("'Admin' only accepts 'KafkaClient' for its kafka client.");
    this.client = kafkaClient;
    this.ready = kafkaClient.ready;
    kafkaClient.on('ready', () => {
      this.ready = true;
      this.emit('ready');
    });
    kafkaClient.once('connect', () => this.emit('connect'));
    kafkaClient.on('error', (error: Error) => this.emit('error', error));
  }

  listGroups(cb: NodeCallback<Record<string, string>>): void {
    requireCallback(cb, 'Admin.listGroups');
    callbackOf(
      cb,
      clientCore(this.client)
        .admin()
        .then((admin) => admin.listGroups())
        .then((groups) => Object.fromEntries(groups.map((g) => [g.groupId, g.protocolType]))),
    );
  }

  listTopics(cb: NodeCallback<MetadataResponse>): void {
    requireCallback(cb, 'Admin.listTopics');
    this.client.loadMetadataForTopics([], cb);
  }

  describeGroups(consumerGroups: string[], cb: NodeCallback<Record<string, DescribedGroup>>): void {
    requireCallback(cb, 'Admin.describeGroups');
    callbackOf(
      cb,
      (async () => {
        const admin = await clientCore(this.client).admin();
        const described = await admin.describeGroups(consumerGroups);
        const result: Record<string, DescribedGroup> = {};
        for (const group of described) {
          result[group.groupId] = {
            groupId: group.groupId,
            state: group.state,
            protocolType: group.protocolType,
            protocol: group.protocol,
            members: group.members.map((m) => {
              const partitions: Record<string, number[]> = {};
              for (const { topic, partition } of m.assignment) (partitions[topic] ??= []).push(partition);
              return {
                memberId: m.memberId,
                clientId: m.clientId,
                clientHost: m.clientHost,
                memberAssignment: { partitions, version: 0 },
              };
            }),
          };
        }
        return result;
      })(),
    );
  }

  createTopics(topics: CreateTopicRequest[], cb: NodeCallback<CreateTopicResponse[] | string[]>): void {
    requireCallback(cb, 'Admin.createTopics');
    this.client.createTopics(topics, cb);
  }

  /** kafka-node's shape: [{ configEntries: [{ synonyms, configName, configValue, readOnly, configSource, isSensitive }], resourceType: '2', resourceName }]. */
  describeConfigs(payload: DescribeConfigsRequest, cb: NodeCallback<DescribedConfigResource[]>): void {
    requireCallback(cb, 'Admin.describeConfigs');
    for (const resource of payload.resources) {
      if (!(resource.resourceType in RESOURCE_TYPE_CODES)) {
        cb(
          new KafkaNodeError(`Unexpected resource type ${resource.resourceType} for resource ${resource.resourceName}`),
        );
        return;
      }
    }
    callbackOf(
      cb,
      (async () => {
        const admin = await clientCore(this.client).admin();
        // kafka-node sends a broker resource to that broker, and fails when its metadata has no such broker.
        const brokers = payload.resources.filter((r) => r.resourceType === 'broker');
        if (brokers.length > 0) {
          const known = new Set((await admin.fetchMetadata([])).brokers.map((b) => String(b.nodeId)));
          const unknown = brokers.find((r) => !known.has(String(r.resourceName)));
          if (unknown) throw new KafkaNodeError(`No broker with id ${unknown.resourceName}`);
        }
        if (this.client.backendName === 'confluent')
          clientCore(this.client).gap(
            'admin.describeConfigs.confluent',
            'describeConfigs is refused on the confluent backend (no DescribeConfigs in its client)',
          );
        const described = await admin.describeConfigs(
          payload.resources.map((r) => ({
            type: r.resourceType as 'topic' | 'broker',
            name: r.resourceName,
            ...(r.configNames ? { configNames: r.configNames } : {}),
          })),
          { includeSynonyms: payload.includeSynonyms ?? false },
        );
        return described.map((resource) => ({
          configEntries: resource.entries.map((entry) => ({
            synonyms: entry.synonyms.map((s) => ({
              configSynonymName: s.name,
              configSynonymValue: s.value ?? '',
              configSynonymSource: s.source,
            })),
            configName: entry.name,
            configValue: entry.value ?? '',
            readOnly: entry.readOnly,
            configSource: entry.source,
            isSensitive: entry.isSensitive,
          })),
          resourceType: String(RESOURCE_TYPE_CODES[resource.type]),
          resourceName: resource.name,
        }));
      })().catch((error: unknown) => {
        throw toKafkaNodeError(error);
      }),
    );
  }
}
