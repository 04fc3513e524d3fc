/** Member records as a caller sees them: in their scope, or not found. */
import { visible, type Caller } from '@repo/access';
import { notFound } from '@repo/errors';
import type { Member, MemberRepository } from '../store/members';

export const memberNotFound = (id: string) => () => notFound('MEMBER_NOT_FOUND', `member ${id} not found`, { id });

/** A member the caller may see, or MEMBER_NOT_FOUND for one missing and one hidden alike. */
export async function visibleMember(members: Pick<MemberRepository, 'find'>, caller: Caller, id: string): Promise<Member> {
  return visible(caller, id ? await members.find(id) : null, (member) => member.orgPath, memberNotFound(id));
}
