/**
 * One consumer group as Apache Kafka's GroupMetadata models it: members, generation, leader, selected protocol and the
 * state machine Empty -> PreparingRebalance -> CompletingRebalance -> Stable (Dead only once the group is deleted).
 * Pure state; the coordinator owns the timers and decides the transitions.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** What a JoinGroup request learns; `members` is filled for the leader only. */
export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  members: JoinedMember[];
}

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export type JoinCallback = (result: JoinResult) => void;
export type SyncCallback = (result: SyncResult) => void;

const NO_BYTES = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, assignment: NO_BYTES };
}

export interface MemberSettings {
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
}

export class GroupMember {
  groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: MemberProtocol[];
  assignment: Buffer = NO_BYTES;
  awaitingJoin: JoinCallback | null = null;
  awaitingSync: SyncCallback | null = null;
  heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly memberId: string,
    settings: MemberSettings,
  ) {
    this.groupInstanceId = settings.groupInstanceId;
    this.clientId = settings.clientId;
    this.clientHost = settings.clientHost;
    this.rebalanceTimeoutMs = settings.rebalanceTimeoutMs;
    this.sessionTimeoutMs = settings.sessionTimeoutMs;
    this.protocolType = settings.protocolType;
    this.protocols = settings.protocols;
  }

  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? NO_BYTES;
  }

  /** Same protocols with the same metadata in the same order: rejoining with them changes nothing. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }

  /** The member's most preferred protocol among those every member supports. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }
}

export interface GroupMemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupSummary {
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: GroupMemberSummary[];
}

export type RebalanceKind = 'initial' | 'normal';

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion-ordered, so "the first member" (leader fallback) is the longest-standing one. */
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Set when a member joins during the initial rebalance delay, which then waits another delay. */
  newMemberAdded = false;
  rebalanceKind: RebalanceKind | null = null;
  rebalanceTimer: NodeJS.Timeout | null = null;
  /** Time the initial rebalance may still wait beyond the current delay. */
  initialDelayRemainingMs = 0;
  /** Node that coordinated the group when it was last looked at; a change means the group moved. */
  coordinatorId = -1;

  constructor(readonly groupId: string) {}

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  canRebalance(): boolean {
    return this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty';
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.pendingMembers.delete(member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): void {
    this.members.delete(memberId);
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Protocols every member supports; an empty group accepts any non-empty set of a non-empty type. */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    return protocolType === this.protocolType && protocols.some((p) => this.candidateProtocols().has(p.name));
  }

  candidateProtocols(): Set<string> {
    const counts = new Map<string, number>();
    for (const member of this.members.values()) {
      for (const name of new Set(member.protocols.map((p) => p.name))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return new Set([...counts].filter(([, count]) => count === this.members.size).map(([name]) => name));
  }

  /** Each member votes for its first choice among the candidates; the most votes wins (ties: first voted). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let winner: string | undefined;
    let most = 0;
    for (const [name, count] of votes) {
      if (count > most) {
        winner = name;
        most = count;
      }
    }
    if (winner === undefined) throw new Error(`group ${this.groupId} has no protocol all members support`);
    return winner;
  }

  /** Kafka waits for the slowest member's rebalance timeout. */
  rebalanceTimeoutMs(): number {
    let longest = 0;
    for (const member of this.members.values()) longest = Math.max(longest, member.rebalanceTimeoutMs);
    return longest;
  }

  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.awaitingJoin === null) return false;
    return true;
  }

  joinedMembers(): JoinedMember[] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }));
  }

  /** As DescribeGroups reports it: metadata and assignments only once the group is Stable. */
  summary(): GroupSummary {
    const stable = this.state === 'Stable';
    const protocolName = stable ? (this.protocolName ?? '') : '';
    return {
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocolName,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(protocolName) : NO_BYTES,
        assignment: stable ? m.assignment : NO_BYTES,
      })),
    };
  }
}

export const DEAD_GROUP_SUMMARY: GroupSummary = { state: 'Dead', protocolType: '', protocolName: '', members: [] };
