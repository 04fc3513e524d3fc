/**
 * The role x action matrix: the one place that decides which role may do what. Services ask
 * `assertCan` before acting and apply data scope (scope.ts) to what the action touches.
 */
import { invalidArgument, permissionDenied, unauthenticated } from '@repo/errors';
import { audienceNames, audiences, isRole, parseRoles, roles, type Audience, type Role } from './roles';
import { isAnonymous, type Caller } from './scope';

interface ActionRule {
  /** One line for the docs. */
  description: string;
  /** Who may; 'public' means anonymous callers too. */
  allow: readonly Audience[];
}

// Every signed-in user also has what the public has, so public rows list every role.
const everyone: readonly Audience[] = audiences;

const matrix = {
  'content.read': { description: 'Read published articles and policy documents', allow: everyone },
  'content.readUnpublished': {
    description: 'Read drafts, submissions and withdrawn content',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'content.write': {
    description: 'Create content, update drafts, submit for review',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'content.review': { description: 'Approve or reject a submission', allow: ['superAdmin', 'orgAdmin'] },
  'content.publish': { description: 'Publish approved content', allow: ['superAdmin', 'orgAdmin'] },
  'content.withdraw': { description: 'Withdraw published content', allow: ['superAdmin', 'orgAdmin'] },
  'organization.read': {
    description: 'Read the organisation tree',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'member', 'inspector'],
  },
  'organization.write': {
    description: 'Create, update, move and delete organisation nodes',
    allow: ['superAdmin', 'orgAdmin'],
  },
  'member.read': {
    description: 'Read member records (national ID masked)',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'member.readSelf': { description: "Read one's own member record only", allow: ['member'] },
  'member.readNationalId': {
    description: 'See the unmasked national ID number',
    allow: ['superAdmin', 'orgAdmin', 'inspector'],
  },
  'member.write': { description: 'Create members, update profiles', allow: ['superAdmin', 'orgAdmin', 'secretary'] },
  'member.stage': {
    description: 'Record development pipeline steps',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'member.import': { description: 'Import members in bulk', allow: ['superAdmin', 'orgAdmin'] },
  'transfer.read': {
    description: 'Read organisation relation transfers',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'transfer.write': {
    description: 'Initiate, approve, receive and reject transfers',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'dues.quote': { description: 'Compute the monthly dues for an income', allow: everyone },
  'dues.read': {
    description: 'Read dues bills and arrears reports',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'dues.bill': { description: 'Generate monthly dues bills', allow: ['superAdmin', 'orgAdmin'] },
  'dues.pay': { description: 'Record dues payments', allow: ['superAdmin', 'orgAdmin', 'secretary'] },
  'meeting.read': {
    description: 'Read meetings, minutes and attendance',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'member', 'inspector'],
  },
  'meeting.write': {
    description: 'Schedule meetings, record minutes and attendance',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'learning.study': {
    description: "Study: enrol oneself, take units and exams, see one's own class hours and points",
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'member'],
  },
  'learning.read': {
    description: 'Read learners, class-hour ledgers and reports, enrolments and exam results',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'learning.enrol': {
    description: 'Enrol others in courses, cancel enrolments, record attendance of offline sessions',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'learning.manageLearners': {
    description: "Record learners' posts, cadre levels and sign-in accounts",
    allow: ['superAdmin', 'orgAdmin'],
  },
  'learning.rules': { description: 'Add conversion tables, requirement sets and points rules', allow: ['superAdmin'] },
  'course.write': { description: 'Create courses and change drafts', allow: ['superAdmin', 'orgAdmin', 'secretary'] },
  'course.publish': { description: 'Publish and withdraw courses', allow: ['superAdmin', 'orgAdmin'] },
  'exam.write': { description: 'Manage question banks, questions and exams', allow: ['superAdmin', 'orgAdmin', 'secretary'] },
  'exam.grade': { description: 'Grade short answers, review anomaly flags', allow: ['superAdmin', 'orgAdmin', 'secretary'] },
  'training.read': { description: 'Read cadre training records', allow: ['superAdmin', 'orgAdmin', 'inspector'] },
  'training.write': { description: 'Record trainings attended elsewhere', allow: ['superAdmin', 'orgAdmin'] },
  'training.override': {
    description: 'Enrol or record despite a duplicate-training refusal, with a reason',
    allow: ['superAdmin', 'orgAdmin'],
  },
  'points.manage': { description: 'Turn study points on or off for an organisation', allow: ['superAdmin', 'orgAdmin'] },
  'points.read': {
    description: 'Read study points statistics of organisations (no personal ranking)',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'portrait.read': { description: 'Read cadre portraits', allow: ['superAdmin', 'orgAdmin', 'inspector'] },
  'feedback.write': {
    description: 'Write a message to an organisation or a leader post; follow and rate it with its tracking code',
    allow: everyone,
  },
  'feedback.read': { description: 'Read and search accepted messages and their published replies', allow: everyone },
  'feedback.readPrivate': {
    description: 'Read messages not yet public, contact details, screen hits and duplicates',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'feedback.handle': {
    description: 'Accept, return, assign, dispute, reply to, extend and merge messages; record rectifications and revisits',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'feedback.review': { description: 'Release or return messages held by the sensitive-word screen', allow: ['superAdmin', 'orgAdmin'] },
  'feedback.statistics': {
    description: 'Read feedback statistics: reply, on-time, satisfaction and revisit rates',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'feedback.posts': { description: 'Create and retire the leader posts messages are addressed to', allow: ['superAdmin', 'orgAdmin'] },
  'audit.verify': { description: "Read the audit log's checkpoints and consistency proofs", allow: everyone },
  'audit.read': { description: 'Read audit log entries and their inclusion proofs', allow: ['superAdmin', 'inspector'] },
  'audit.export': { description: 'Export the whole audit log for offline verification', allow: ['superAdmin'] },
  'power.read': { description: 'Read published power lists (权力清单)', allow: everyone },
  'power.write': {
    description: 'Draft power list items and new versions of them',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'power.publish': { description: 'Publish a version of a power list item', allow: ['superAdmin', 'orgAdmin'] },
  'power.execute': {
    description: 'Record executions of power list items, step by step',
    allow: ['superAdmin', 'orgAdmin', 'secretary'],
  },
  'power.readExecutions': {
    description: 'Read the recorded executions of power list items',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'case.read': { description: 'Read discipline cases', allow: ['superAdmin', 'inspector'] },
  'case.write': { description: 'Record discipline cases and their decisions', allow: ['superAdmin', 'inspector'] },
  'notice.read': { description: 'Read published monthly and typical-case notices', allow: everyone },
  'notice.write': { description: 'Draft notices from the cases, read drafts', allow: ['superAdmin', 'inspector'] },
  'notice.review': { description: "Review another's notice draft", allow: ['superAdmin', 'inspector'] },
  'notice.publish': { description: 'Publish a reviewed notice', allow: ['superAdmin', 'inspector'] },
  'warning.read': {
    description: 'Read early warnings and their statistics',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'warning.assign': { description: 'Assign an early warning to someone', allow: ['superAdmin', 'inspector'] },
  'warning.acknowledge': {
    description: 'Acknowledge an early warning assigned to oneself',
    allow: ['superAdmin', 'orgAdmin', 'secretary', 'inspector'],
  },
  'warning.close': { description: 'Close an early warning with a note', allow: ['superAdmin', 'inspector'] },
  'user.read': { description: 'Read user accounts and their roles', allow: ['superAdmin', 'orgAdmin'] },
  'user.manage': {
    description: 'Create users, assign roles, unlock accounts',
    allow: ['superAdmin', 'orgAdmin'],
  },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof matrix;

/** Every action, in matrix order. */
export const actions = Object.keys(matrix) as Action[];

function ruleOf(action: string): ActionRule | undefined {
  // hasOwn keeps names such as 'constructor' from reaching the prototype.
  return Object.hasOwn(matrix, action) ? (matrix as Record<string, ActionRule>)[action] : undefined;
}

export function isAction(value: string): value is Action {
  return ruleOf(value) !== undefined;
}

export function describeAction(action: Action): string {
  return ruleOf(action)?.description ?? '';
}

/** Who may do the action: 'public' first when anonymous callers may, then the roles. */
export function allowedRoles(action: Action): Audience[] {
  return [...(ruleOf(action)?.allow ?? [])];
}

/** Whether any of the roles (unknown ones grant nothing) may do the action. */
export function can(callerRoles: readonly string[], action: Action): boolean {
  const rule = ruleOf(action);
  if (!rule) return false;
  if (rule.allow.includes('public')) return true;
  return parseRoles(callerRoles).some((role) => rule.allow.includes(role));
}

/**
 * Throws unless the caller may do the action. Anonymous callers on a staff action get
 * unauthenticated (401: signing in may help); signed-in callers get permission denied (403).
 */
export function assertCan(caller: Caller, action: Action): void {
  // An anonymous caller is the public whatever roles the metadata claims.
  const allowed = isAnonymous(caller) ? can([], action) : can(caller.roles, action);
  if (allowed) return;
  if (isAnonymous(caller)) {
    throw unauthenticated('AUTH_REQUIRED', `sign in to ${action}`, { action });
  }
  throw permissionDenied('ACCESS_DENIED', `not allowed to ${action}`, { action });
}

/**
 * Roles the caller may hand out: none without user.manage; an orgAdmin every role but
 * superAdmin; a superAdmin all of them.
 */
export function grantableRoles(callerRoles: readonly string[]): Role[] {
  if (!can(callerRoles, 'user.manage')) return [];
  const isSuperAdmin = parseRoles(callerRoles).includes('superAdmin');
  return roles.filter((role) => isSuperAdmin || role !== 'superAdmin');
}

/**
 * Checks a change of a user's roles from `current` to `next`. Removing a role is as
 * privileged as granting it, so an orgAdmin can neither make nor unmake a superAdmin.
 */
export function assertCanAssignRoles(caller: Caller, next: readonly string[], current: readonly string[] = []): void {
  assertCan(caller, 'user.manage');
  for (const name of next) {
    if (!isRole(name)) throw invalidArgument('ACCESS_UNKNOWN_ROLE', `unknown role ${name}`, { role: name });
  }
  const grantable = grantableRoles(caller.roles);
  const before = parseRoles(current);
  const after = parseRoles(next);
  const changed = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  for (const role of changed) {
    if (!grantable.includes(role)) {
      throw permissionDenied('ACCESS_ROLE_NOT_GRANTABLE', `not allowed to grant or revoke ${role}`, { role });
    }
  }
}

/** The matrix as a markdown table: rows actions, columns public and the five roles. */
export function renderMatrixMarkdown(): string {
  const header = `| action | what it allows | ${audiences.map((a) => `${a}<br>${audienceNames[a]}`).join(' | ')} |`;
  const rule = `| --- | --- | ${audiences.map(() => ':---:').join(' | ')} |`;
  const rows = actions.map((action) => {
    const marks = audiences.map((audience) => {
      const granted = audience === 'public' ? can([], action) : can([audience], action);
      return granted ? '✓' : '';
    });
    return `| \`${action}\` | ${describeAction(action)} | ${marks.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
