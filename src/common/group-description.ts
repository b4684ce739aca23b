import type { GroupDescription, TopicPartition } from './types';

/** What a backend's client library reports about one group, before its member assignments are decoded. */
export interface DescribedGroup<Member extends DescribedMember> {
  state: string;
  protocolType: string;
  protocol: string;
  members: Member[];
}

export interface DescribedMember {
  memberId: string;
  clientId: string;
  clientHost: string;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The common GroupDescription list for the requested ids, in request order, members sorted by id; groups the library
 * did not report are left out. Decoding a member's assignment is the library-specific part, passed in.
 */
export function toGroupDescriptions<Member extends DescribedMember>(
  groupIds: readonly string[],
  lookup: (groupId: string) => DescribedGroup<Member> | undefined,
  assignmentOf: (protocolType: string, member: Member) => TopicPartition[],
): GroupDescription[] {
  return groupIds.flatMap((groupId) => {
    const group = lookup(groupId);
    if (!group) return [];
    return [
      {
        groupId,
        state: group.state,
        protocolType: group.protocolType,
        protocol: group.protocol,
        members: group.members
          .map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            assignment: assignmentOf(group.protocolType, member),
          }))
          .sort((a, b) => byString(a.memberId, b.memberId)),
      },
    ];
  });
}
