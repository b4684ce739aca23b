/**
 * kafka-node's Admin on the common Admin: listGroups -> { groupId: protocolType }, describeGroups -> { groupId:
 * { groupId, state, protocolType, protocol, members: [{ memberId, clientId, clientHost, memberAssignment }] } },
 * listTopics -> loadMetadataForTopics([]) (kafka-node's [brokers, { metadata, clusterMetadata }]), createTopics as
 * KafkaClient.createTopics.
 */
import { EventEmitter } from 'events';
import { UnsupportedFeatureError } from '../common/errors';
import { KafkaClient, callbackOf, clientCore } from './client';
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

export class Admin extends EventEmitter {
  readonly client: KafkaClient;
  readonly RESOURCE_TYPES = RESOURCE_TYPES;
  ready: boolean;

  constructor(kafkaClient: KafkaClient) {
    super();
    if (!(kafkaClient instanceof KafkaClient)) throw new Error("'Admin' only accepts 'KafkaClient' for its kafka client.");
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
    callbackOf(
      cb,
      clientCore(this.client)
        .admin()
        .then((admin) => admin.listGroups())
        .then((groups) => Object.fromEntries(groups.map((g) => [g.groupId, g.protocolType]))),
    );
  }

  listTopics(cb: NodeCallback<MetadataResponse>): void {
    this.client.loadMetadataForTopics([], cb);
  }

  describeGroups(consumerGroups: string[], cb: NodeCallback<Record<string, DescribedGroup>>): void {
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
              return { memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberAssignment: { partitions, version: 0 } };
            }),
          };
        }
        return result;
      })(),
    );
  }

  createTopics(topics: CreateTopicRequest[], cb: NodeCallback<CreateTopicResponse[] | string[]>): void {
    this.client.createTopics(topics, cb);
  }

  describeConfigs(_payload: { resources: unknown[]; includeSynonyms?: boolean }, cb: NodeCallback<unknown[]>): void {
    cb(new UnsupportedFeatureError('Admin.describeConfigs', this.client.backendName, 'not available through the facade yet'));
  }
}
