import { randomUUID } from 'crypto';
import { ErrorCode } from '../../protocol/error-codes';
import type { Cluster } from '../cluster';
import {
  DEAD_GROUP_SUMMARY,
  Group,
  GroupMember,
  joinError,
  syncError,
  type GroupSummary,
  type JoinCallback,
  type JoinResult,
  type MemberProtocol,
  type SyncResult,
} from './group';
import { OffsetStore, OffsetStoreError, type OffsetNamespace, type OffsetToCommit } from './offset-store';

/**
 * The group coordinator of the embedded cluster, following Apache Kafka's GroupCoordinator: one instance serves every
 * node, and each request is answered NOT_COORDINATOR unless it reached the node `cluster.coordinatorFor(groupId)`.
 *
 * Rebalance: a join moves the group to PreparingRebalance; it completes when every known member has rejoined (or the
 * longest rebalance timeout passed, evicting the rest), the generation increments, a protocol is voted and the group
 * waits in CompletingRebalance for the leader's SyncGroup, whose assignments make it Stable. A member that stops
 * heartbeating for its session timeout is removed, which rebalances the others.
 */

/** Kafka's `offset.metadata.max.bytes` default. */
export const OFFSET_METADATA_MAX_BYTES = 4096;

export interface JoinGroupInput {
  groupId: string;
  sessionTimeoutMs: number;
  /** v0 has none: Kafka uses the session timeout. */
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: MemberProtocol[];
  /** JoinGroup v4+: a member without an id is given one with MEMBER_ID_REQUIRED and must join again with it. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
}

export interface SyncGroupInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface HeartbeatInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: (LeavingMember & { errorCode: number })[];
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  /** Kafka's state name, or '' when the group could not be described. */
  state: string;
  protocolType: string;
  protocolName: string;
  members: GroupSummary['members'];
}

export interface GroupListing {
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export interface OffsetCommitInput {
  groupId: string;
  /** -1 and '' for commits that do not come from a group member (v0, or kafkajs admin / simple consumers). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  namespace: OffsetNamespace;
  topics: {
    name: string;
    partitions: { partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }[];
  }[];
}

export interface PartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface OffsetFetchInput {
  groupId: string;
  /** null: every partition the group committed (OffsetFetch v2+). */
  topics: { name: string; partitions: number[] }[] | null;
  namespace: OffsetNamespace;
}

export interface FetchedOffset {
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedOffset[] }[];
}

const NO_OFFSET = -1n;

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets: OffsetStore;
  private closed = false;

  constructor(readonly cluster: Cluster) {
    this.offsets = OffsetStore.open(cluster.settings.dataDir, cluster.logger);
    for (const stored of this.offsets.storedGroups()) {
      const group = this.createGroup(stored.groupId);
      group.generationId = stored.generationId;
      group.protocolType = stored.protocolType;
    }
    for (const groupId of this.offsets.groupIdsWithOffsets()) {
      if (!this.groups.has(groupId)) this.createGroup(groupId);
    }
  }

  /**
   * A node stopped or started, so some groups changed coordinator. As when Kafka unloads a group from the old
   * coordinator and loads it on the new one: requests parked on the old one are answered NOT_COORDINATOR, and members
   * get a full session timeout to find the new coordinator.
   */
  nodesChanged(): void {
    for (const group of this.groups.values()) {
      const coordinator = this.cluster.coordinatorFor(group.groupId);
      if (coordinator === group.coordinatorId) continue;
      group.coordinatorId = coordinator;
      for (const member of group.members.values()) {
        this.answerParkedRequests(member, ErrorCode.NOT_COORDINATOR);
        if (coordinator === -1) this.cancelHeartbeat(member);
        else this.scheduleHeartbeat(group, member);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) {
      this.clearRebalanceTimer(group);
      for (const timer of group.pendingMembers.values()) clearTimeout(timer);
      group.pendingMembers.clear();
      for (const member of group.members.values()) {
        this.cancelHeartbeat(member);
        this.answerParkedRequests(member, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
    }
    this.offsets.close();
  }

  /** The state name DescribeGroups would report, for tests and the CLI; undefined for an unknown group. */
  groupState(groupId: string): string | undefined {
    return this.groups.get(groupId)?.state;
  }

  // ---------------------------------------------------------------- membership

  join(request: JoinGroupInput, nodeId: number): Promise<JoinResult> {
    const error = this.coordinatorError(request.groupId, nodeId, true);
    if (error !== ErrorCode.NONE) return Promise.resolve(joinError(request.memberId, error));
    const { groupMinSessionTimeoutMs, groupMaxSessionTimeoutMs } = this.cluster.settings;
    if (request.sessionTimeoutMs < groupMinSessionTimeoutMs || request.sessionTimeoutMs > groupMaxSessionTimeoutMs) {
      return Promise.resolve(joinError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isNewMember = request.memberId === '';
    let group = this.groups.get(request.groupId);
    if (!group) {
      if (!isNewMember) return Promise.resolve(joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.createGroup(request.groupId);
    }
    const joined = group;
    return new Promise<JoinResult>((resolve) => {
      if (isNewMember) this.joinNewMember(joined, request, resolve);
      else this.joinKnownMember(joined, request, resolve);
      this.tryCompleteJoin(joined);
    });
  }

  sync(request: SyncGroupInput, nodeId: number): Promise<SyncResult> {
    const error = this.coordinatorError(request.groupId, nodeId, true);
    if (error !== ErrorCode.NONE) return Promise.resolve(syncError(error));
    const group = this.groups.get(request.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.state === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const member = group.members.get(request.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));

    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.scheduleHeartbeat(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise<SyncResult>((resolve) => {
          // A second SyncGroup from the same member replaces the first, which is answered rather than left hanging.
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
          if (group.isLeader(member.memberId)) this.completeSync(group, request.assignments);
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  heartbeat(request: HeartbeatInput, nodeId: number): number {
    const error = this.coordinatorError(request.groupId, nodeId, true);
    if (error !== ErrorCode.NONE) return error;
    const group = this.groups.get(request.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = group.members.get(request.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'PreparingRebalance':
        this.scheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      // Current Kafka accepts heartbeats between the JoinGroup and SyncGroup responses; old brokers (0.9) answered
      // REBALANCE_IN_PROGRESS there, which clients handle by rejoining, so either is safe for them.
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleHeartbeat(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  leave(groupId: string, leaving: readonly LeavingMember[], nodeId: number): LeaveResult {
    const error = this.coordinatorError(groupId, nodeId, true);
    if (error !== ErrorCode.NONE) return { errorCode: error, members: [] };
    const group = this.groups.get(groupId);
    if (!group)
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => {
      const pending = group.pendingMembers.get(m.memberId);
      if (pending !== undefined) {
        clearTimeout(pending);
        group.pendingMembers.delete(m.memberId);
        this.tryCompleteJoin(group);
        return { ...m, errorCode: ErrorCode.NONE };
      }
      const member = group.members.get(m.memberId);
      if (!member) return { ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.cluster.logger.info(`group ${groupId}: member ${m.memberId} left`);
      this.removeMemberAndUpdateGroup(group, member);
      return { ...m, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  describe(groupId: string, nodeId: number): GroupDescription {
    const error = this.coordinatorError(groupId, nodeId, false);
    if (error !== ErrorCode.NONE) {
      return { errorCode: error, groupId, state: '', protocolType: '', protocolName: '', members: [] };
    }
    const summary = this.groups.get(groupId)?.summary() ?? DEAD_GROUP_SUMMARY;
    return { errorCode: ErrorCode.NONE, groupId, ...summary };
  }

  /** The groups this node coordinates (Kafka lists those of the `__consumer_offsets` partitions a broker leads). */
  list(nodeId: number): GroupListing {
    if (this.closed || !this.cluster.nodes.get(nodeId)?.isUp)
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const groups = [...this.groups.values()]
      .filter((g) => g.state !== 'Dead' && this.cluster.coordinatorFor(g.groupId) === nodeId)
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** DeleteGroups semantics, for whoever serves that API: only groups without members can go. */
  deleteGroup(groupId: string, nodeId: number): number {
    const error = this.coordinatorError(groupId, nodeId, true);
    if (error !== ErrorCode.NONE) return error;
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    try {
      this.offsets.deleteGroup(groupId);
    } catch (failure) {
      this.cluster.logger.warn(`group ${groupId}: ${(failure as Error).message}`);
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    this.clearRebalanceTimer(group);
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.state = 'Dead';
    this.groups.delete(groupId);
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- committed offsets

  commitOffsets(request: OffsetCommitInput, nodeId: number): PartitionErrors[] {
    const { groupId, namespace } = request;
    const results: PartitionErrors[] = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: ErrorCode.NONE })),
    }));
    const known: {
      result: { errorCode: number };
      topic: string;
      partition: (typeof request.topics)[number]['partitions'][number];
    }[] = [];
    request.topics.forEach((topic, t) => {
      topic.partitions.forEach((partition, p) => {
        const result = results[t]!.partitions[p]!;
        if (this.cluster.getPartition(topic.name, partition.partition) === undefined)
          result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else known.push({ result, topic: topic.name, partition });
      });
    });
    if (known.length === 0) return results;

    // OffsetCommit v0 went to ZooKeeper without any group check; v1+ goes through the coordinator.
    const groupError = namespace === 'zookeeper' ? ErrorCode.NONE : this.commitGroupError(request, nodeId);
    const toStore: OffsetToCommit[] = [];
    const stored: { errorCode: number }[] = [];
    for (const { result, topic, partition } of known) {
      const metadata = partition.metadata ?? '';
      if (groupError !== ErrorCode.NONE) result.errorCode = groupError;
      else if (metadata.length > OFFSET_METADATA_MAX_BYTES) result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      else {
        toStore.push({
          topic,
          partition: partition.partition,
          offset: partition.offset,
          leaderEpoch: partition.leaderEpoch,
          metadata,
        });
        stored.push(result);
      }
    }
    try {
      this.offsets.commit(namespace, groupId, toStore, Date.now());
    } catch (failure) {
      if (!(failure instanceof OffsetStoreError)) throw failure;
      this.cluster.logger.warn(`group ${groupId}: offset commit not stored: ${failure.message}`);
      for (const result of stored) result.errorCode = ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    return results;
  }

  /**
   * Offsets a committed transaction carried (TxnOffsetCommit): they become the group's committed offsets whatever its
   * membership, as Kafka materializes them when the commit marker reaches __consumer_offsets.
   */
  commitTransactionOffsets(groupId: string, offsets: OffsetToCommit[]): void {
    if (!this.groups.has(groupId)) this.createGroup(groupId);
    this.offsets.commit('kafka', groupId, offsets, Date.now());
  }

  fetchOffsets(request: OffsetFetchInput, nodeId: number): OffsetFetchResult {
    const { groupId, namespace } = request;
    const error = namespace === 'zookeeper' ? ErrorCode.NONE : this.coordinatorError(groupId, nodeId, false);
    const requested = request.topics;
    if (error !== ErrorCode.NONE) {
      const topics = (requested ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => ({
          partition,
          offset: NO_OFFSET,
          leaderEpoch: -1,
          metadata: '',
          errorCode: error,
        })),
      }));
      return { errorCode: error, topics };
    }
    if (requested === null) {
      const topics = [...this.offsets.committed(namespace, groupId)].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partition, c]) => ({
          partition,
          offset: c.offset,
          leaderEpoch: c.leaderEpoch,
          metadata: c.metadata,
          errorCode: ErrorCode.NONE,
        })),
      }));
      return { errorCode: ErrorCode.NONE, topics };
    }
    const topics = requested.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition): FetchedOffset => {
        // Reading ZooKeeper (v0) looked the partition up in the broker's metadata first.
        if (namespace === 'zookeeper' && this.cluster.getPartition(t.name, partition) === undefined) {
          return {
            partition,
            offset: NO_OFFSET,
            leaderEpoch: -1,
            metadata: '',
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          };
        }
        const committed = this.offsets.get(namespace, groupId, t.name, partition);
        return committed
          ? {
              partition,
              offset: committed.offset,
              leaderEpoch: committed.leaderEpoch,
              metadata: committed.metadata,
              errorCode: ErrorCode.NONE,
            }
          : { partition, offset: NO_OFFSET, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
      }),
    }));
    return { errorCode: ErrorCode.NONE, topics };
  }

  // ---------------------------------------------------------------- internals

  /** Kafka's validateGroupStatus: group id (required by the membership APIs only), broker up, right coordinator. */
  private coordinatorError(groupId: string, nodeId: number, requireGroupId: boolean): number {
    if (requireGroupId && groupId === '') return ErrorCode.INVALID_GROUP_ID;
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const coordinator = this.cluster.coordinatorFor(groupId);
    if (coordinator === -1) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (coordinator !== nodeId) return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  private createGroup(groupId: string): Group {
    const group = new Group(groupId);
    group.coordinatorId = this.cluster.coordinatorFor(groupId);
    this.groups.set(groupId, group);
    return group;
  }

  private commitGroupError(request: OffsetCommitInput, nodeId: number): number {
    const error = this.coordinatorError(request.groupId, nodeId, false);
    if (error !== ErrorCode.NONE) return error;
    const group = this.groups.get(request.groupId);
    if (!group) {
      // Without group management (simple consumers, admin tools) Kafka stores the offsets under a new empty group;
      // a member of a generation the coordinator never saw is stale.
      if (request.generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      this.createGroup(request.groupId);
      return ErrorCode.NONE;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (request.generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    const member = group.members.get(request.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.scheduleHeartbeat(group, member);
    return ErrorCode.NONE;
  }

  private joinNewMember(group: Group, request: JoinGroupInput, callback: JoinCallback): void {
    if (group.state === 'Dead') return callback(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return callback(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const memberId = `${request.clientId}-${randomUUID()}`;
    if (request.requireKnownMemberId) {
      // The id is only reserved: the member joins when it comes back with it (within its session timeout).
      const expiry = this.timer(() => {
        group.pendingMembers.delete(memberId);
        this.tryCompleteJoin(group);
      }, request.sessionTimeoutMs);
      group.pendingMembers.set(memberId, expiry);
      return callback(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, memberId, request, callback);
  }

  private joinKnownMember(group: Group, request: JoinGroupInput, callback: JoinCallback): void {
    const { memberId } = request;
    if (group.state === 'Dead') return callback(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return callback(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      return this.addMemberAndRebalance(group, memberId, request, callback);
    }
    const member = group.members.get(memberId);
    if (!member) return callback(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request, callback);
      case 'CompletingRebalance':
        // The join response was lost: answer it again unless the member's protocols changed.
        if (member.matches(request.protocols)) return callback(this.joinResult(group, member.memberId));
        return this.updateMemberAndRebalance(group, member, request, callback);
      case 'Stable':
        // A rejoining leader means the subscription may have changed, which needs a rebalance.
        if (group.isLeader(memberId) || !member.matches(request.protocols)) {
          return this.updateMemberAndRebalance(group, member, request, callback);
        }
        return callback({ ...this.joinResult(group, memberId), members: [] });
      default:
        return callback(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: Group, memberId: string, request: JoinGroupInput, callback: JoinCallback): void {
    const member = new GroupMember(memberId, request);
    member.awaitingJoin = callback;
    if (group.state === 'PreparingRebalance' && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    this.cluster.logger.info(`group ${group.groupId}: member ${memberId} joined`);
    this.maybePrepareRebalance(group);
  }

  private updateMemberAndRebalance(
    group: Group,
    member: GroupMember,
    request: JoinGroupInput,
    callback: JoinCallback,
  ): void {
    member.protocols = request.protocols;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.groupInstanceId = request.groupInstanceId;
    // A JoinGroup from the same member replaces one still parked; answer the old one rather than leave it hanging.
    member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = callback;
    this.maybePrepareRebalance(group);
  }

  private maybePrepareRebalance(group: Group): void {
    if (group.canRebalance()) this.prepareRebalance(group);
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') this.propagateAssignments(group, ErrorCode.REBALANCE_IN_PROGRESS, true);
    const initial = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.clearRebalanceTimer(group);
    this.cluster.logger.info(`group ${group.groupId}: preparing rebalance of generation ${group.generationId}`);
    if (initial) {
      // group.initial.rebalance.delay.ms: give the other members of a starting group time to join the first generation.
      const delay = this.cluster.settings.groupInitialRebalanceDelayMs;
      group.rebalanceKind = 'initial';
      group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      group.rebalanceTimer = this.timer(() => this.initialDelayExpired(group), delay);
    } else {
      group.rebalanceKind = 'normal';
      group.rebalanceTimer = this.timer(() => this.completeJoin(group), group.rebalanceTimeoutMs());
      this.tryCompleteJoin(group);
    }
  }

  private initialDelayExpired(group: Group): void {
    group.rebalanceTimer = null;
    if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
      group.newMemberAdded = false;
      const delay = Math.min(this.cluster.settings.groupInitialRebalanceDelayMs, group.initialDelayRemainingMs);
      group.initialDelayRemainingMs -= delay;
      group.rebalanceTimer = this.timer(() => this.initialDelayExpired(group), delay);
      return;
    }
    this.completeJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && group.rebalanceKind === 'normal' && group.hasAllMembersJoined())
      this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    this.clearRebalanceTimer(group);
    group.rebalanceKind = null;
    group.newMemberAdded = false;
    if (group.state !== 'PreparingRebalance') return;
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin !== null) continue;
      this.cluster.logger.info(`group ${group.groupId}: member ${member.memberId} did not rejoin in time, removed`);
      this.removeMember(group, member);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.state = 'Empty';
      this.persistGroup(group);
      this.cluster.logger.info(`group ${group.groupId}: generation ${group.generationId} is empty`);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    this.persistGroup(group);
    this.cluster.logger.info(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} member(s), protocol ${group.protocolName}`,
    );
    for (const member of group.members.values()) {
      const callback = member.awaitingJoin!;
      member.awaitingJoin = null;
      this.scheduleHeartbeat(group, member);
      callback(this.joinResult(group, member.memberId));
    }
  }

  /** The current generation as `memberId` sees it: only the leader gets the members and their metadata. */
  private joinResult(group: Group, memberId: string): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName ?? '',
      leaderId: group.leaderId ?? '',
      memberId,
      members: group.isLeader(memberId) ? group.joinedMembers() : [],
    };
  }

  private completeSync(group: Group, assignments: SyncGroupInput['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const member of group.members.values())
      member.assignment = Buffer.from(byMember.get(member.memberId) ?? Buffer.alloc(0));
    group.state = 'Stable';
    this.propagateAssignments(group, ErrorCode.NONE, false);
    this.cluster.logger.info(`group ${group.groupId}: generation ${group.generationId} is stable`);
  }

  /** Answers every parked SyncGroup; heartbeats restart since expirations were ignored while they waited. */
  private propagateAssignments(group: Group, errorCode: number, clearAssignments: boolean): void {
    for (const member of group.members.values()) {
      if (clearAssignments) member.assignment = Buffer.alloc(0);
      const callback = member.awaitingSync;
      if (!callback) continue;
      member.awaitingSync = null;
      this.scheduleHeartbeat(group, member);
      callback(errorCode === ErrorCode.NONE ? { errorCode, assignment: member.assignment } : syncError(errorCode));
    }
  }

  private removeMember(group: Group, member: GroupMember): void {
    this.cancelHeartbeat(member);
    group.remove(member.memberId);
    this.answerParkedRequests(member, ErrorCode.UNKNOWN_MEMBER_ID);
  }

  private removeMemberAndUpdateGroup(group: Group, member: GroupMember): void {
    this.removeMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.maybePrepareRebalance(group);
    else if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
  }

  private answerParkedRequests(member: GroupMember, errorCode: number): void {
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    join?.(joinError(member.memberId, errorCode));
    sync?.(syncError(errorCode));
  }

  private scheduleHeartbeat(group: Group, member: GroupMember): void {
    this.cancelHeartbeat(member);
    member.heartbeatTimer = this.timer(() => this.sessionExpired(group, member), member.sessionTimeoutMs);
  }

  private cancelHeartbeat(member: GroupMember): void {
    if (member.heartbeatTimer) clearTimeout(member.heartbeatTimer);
    member.heartbeatTimer = null;
  }

  private sessionExpired(group: Group, member: GroupMember): void {
    member.heartbeatTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup cannot heartbeat on that connection; the rebalance bounds its wait.
    if (member.awaitingJoin || member.awaitingSync) {
      this.scheduleHeartbeat(group, member);
      return;
    }
    this.cluster.logger.info(
      `group ${group.groupId}: member ${member.memberId} session timed out after ${member.sessionTimeoutMs} ms`,
    );
    this.removeMemberAndUpdateGroup(group, member);
  }

  private clearRebalanceTimer(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
  }

  private persistGroup(group: Group): void {
    try {
      this.offsets.recordGroup({
        groupId: group.groupId,
        generationId: group.generationId,
        protocolType: group.protocolType,
      });
    } catch (failure) {
      // Losing the generation record only restarts numbering after a crash; offsets are what must not be lost.
      this.cluster.logger.warn(`group ${group.groupId}: ${(failure as Error).message}`);
    }
  }

  /** Timers never keep the process alive, and a failure inside one is logged instead of crashing the host. */
  private timer(action: () => void, delayMs: number): NodeJS.Timeout {
    const handle = setTimeout(() => {
      if (this.closed) return;
      try {
        action();
      } catch (failure) {
        this.cluster.logger.warn(`group coordinator timer failed: ${(failure as Error).stack ?? String(failure)}`);
      }
    }, delayMs);
    handle.unref();
    return handle;
  }
}
