import type { Consumption } from '../types';

/** The values of a delivered batch, null values (tombstones) left out. */
export function valuesOf(messages: readonly { value: Buffer | null }[]): Buffer[] {
  const values: Buffer[] = [];
  for (const message of messages) if (message.value !== null) values.push(message.value);
  return values;
}

/** A member that leaves by disconnecting, tracked in `members` until it has. */
export function disconnecting<Member extends { disconnect(): Promise<void> }>(
  members: Set<Member>,
  member: Member,
): Consumption {
  return {
    stop: async () => {
      members.delete(member);
      await member.disconnect();
    },
  };
}
