/** Messages built by the domain's own functions, on the real working-day calendar. */
import { WorkingDays } from '@repo/calendar';
import { defaultDeadlinePolicy } from '../../src/domain/deadlines';
import { contactKeyOf, validateDraft, type Draft, type FeedbackMessage } from '../../src/domain/message';
import type { Organization } from '../../src/domain/organizations';
import { submit, writerActor, type Actor, type StepContext, type Transition } from '../../src/domain/workflow';

export const calendar = WorkingDays.load();
export const policy = defaultDeadlinePolicy;
export const domains = ['城建', '交通', '教育', '其他'];

/** A province-time instant: `at('2026-09-30 10:00')` is 10:00 in UTC+8. */
export const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

export const cityCommittee: Organization = {
  id: 'c1',
  name: '江川市委',
  level: 'committee',
  parentId: 'p1',
  path: '/p1/c1/',
  deleted: false,
};
export const district: Organization = {
  id: 'd1',
  name: '临河区委',
  level: 'committee',
  parentId: 'c1',
  path: '/p1/c1/d1/',
  deleted: false,
};
export const otherDistrict: Organization = {
  id: 'd2',
  name: '东山区委',
  level: 'committee',
  parentId: 'c1',
  path: '/p1/c1/d2/',
  deleted: false,
};

export const staff = (organization: Organization, userId = `staff-${organization.id}`): Actor => ({
  userId,
  organizationId: organization.id,
  organizationName: organization.name,
  path: organization.path,
});

export const ctx = (local: string, actor: Actor = staff(cityCommittee)): StepContext => ({ now: at(local), calendar, policy, actor });

export function draft(overrides: Partial<Draft> = {}): Draft {
  return {
    type: 'complaint',
    domain: '城建',
    organizationId: cityCommittee.id,
    leaderPostId: '',
    subject: '小区门口道路积水严重',
    body: '临河区滨江路小区门口每逢下雨积水没过脚踝，请尽快修缮排水设施。',
    region: '江川市临河区',
    contact: '138 0013 8000',
    contactName: '王先生',
    ...overrides,
  };
}

let serial = 0;

export function written(local: string, overrides: Partial<Draft> = {}, screenHits: string[] = []): FeedbackMessage {
  serial++;
  const valid = validateDraft(draft(overrides), domains);
  return submit(
    {
      id: `m${serial}`,
      trackingCode: `ABCD${String(serial).padStart(8, '2')}`,
      draft: valid,
      recipient: { organizationId: cityCommittee.id, organizationName: cityCommittee.name, leaderPostId: '', leaderPostTitle: '' },
      orgPath: cityCommittee.path,
      contactKey: contactKeyOf(valid.contact),
      writerUserId: '',
      screenHits,
      duplicateCandidates: [],
    },
    ctx(local, writerActor),
  ).next;
}

/** The message after a chain of steps, each given its own context. */
export const after = (message: FeedbackMessage, ...steps: ((m: FeedbackMessage) => Transition)[]) =>
  steps.reduce((m, step) => step(m).next, message);
