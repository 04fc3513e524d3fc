import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  actions,
  allowedRoles,
  assertCan,
  assertCanAssignRoles,
  can,
  grantableRoles,
  parseRoles,
  renderMatrixMarkdown,
  roles,
  type Action,
  type Caller,
} from '../src';
import { domainErrorOf } from '@repo/errors/testing';

const signedIn = (...callerRoles: string[]): Caller => ({ userId: 'u1', roles: callerRoles, orgPath: '/a1/' });
const anonymous: Caller = { userId: '', roles: [], orgPath: '' };

const thrown = domainErrorOf;

describe('roles', () => {
  test('parseRoles keeps known roles once and drops the rest', () => {
    expect(parseRoles(['member', 'admin', 'SuperAdmin', 'member', 'inspector', ''])).toEqual(['member', 'inspector']);
  });
});

describe('matrix', () => {
  test('every action is granted to at least one role', () => {
    for (const action of actions) {
      expect(roles.some((role) => can([role], action))).toBe(true);
    }
  });

  test('what the public may do, every role may do', () => {
    for (const action of actions) {
      if (!allowedRoles(action).includes('public')) continue;
      expect(allowedRoles(action)).toEqual(['public', ...roles]);
      for (const role of roles) expect(can([role], action)).toBe(true);
    }
  });

  test('unknown roles grant nothing beyond the public', () => {
    for (const action of actions) {
      expect(can(['admin', 'root', 'SUPERADMIN', '*'], action)).toBe(can([], action));
    }
  });

  test('an action name outside the matrix is never allowed', () => {
    expect(can(['superAdmin'], 'constructor' as Action)).toBe(false);
    expect(can(['superAdmin'], 'content.delete' as Action)).toBe(false);
  });

  test.each<[Action, string[]]>([
    ['content.read', ['public', ...roles]],
    ['dues.quote', ['public', ...roles]],
    ['content.readUnpublished', ['superAdmin', 'orgAdmin', 'secretary', 'inspector']],
    ['content.review', ['superAdmin', 'orgAdmin']],
    ['member.readSelf', ['member']],
    ['member.readNationalId', ['superAdmin', 'orgAdmin', 'inspector']],
    ['organization.read', ['superAdmin', 'orgAdmin', 'secretary', 'member', 'inspector']],
    ['user.manage', ['superAdmin', 'orgAdmin']],
  ])('%s is allowed to %j', (action, expected) => {
    expect(allowedRoles(action)).toEqual(expected);
  });

  test('any one role of several is enough', () => {
    expect(can(['member', 'secretary'], 'member.write')).toBe(true);
    expect(can(['member'], 'member.write')).toBe(false);
  });
});

describe('assertCan', () => {
  test('allows what the matrix allows', () => {
    expect(() => assertCan(signedIn('secretary'), 'content.write')).not.toThrow();
    expect(() => assertCan(anonymous, 'content.read')).not.toThrow();
    expect(() => assertCan(signedIn(), 'dues.quote')).not.toThrow();
  });

  test('anonymous on a staff action: unauthenticated AUTH_REQUIRED (401)', () => {
    const error = thrown(() => assertCan(anonymous, 'content.write'));
    expect(error.kind).toBe('unauthenticated');
    expect(error.code).toBe('AUTH_REQUIRED');
    expect(error.details).toEqual({ action: 'content.write' });
  });

  test('anonymous stays anonymous whatever roles the metadata claims', () => {
    expect(thrown(() => assertCan({ userId: '', roles: ['superAdmin'], orgPath: '/' }, 'content.publish')).code).toBe('AUTH_REQUIRED');
  });

  test('signed in without the role: permission denied ACCESS_DENIED (403) naming the action', () => {
    const error = thrown(() => assertCan(signedIn('member'), 'content.publish'));
    expect(error.kind).toBe('permissionDenied');
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('content.publish');
    expect(error.details).toEqual({ action: 'content.publish' });
  });

  test('signed in with no known role is refused with 403, not 401', () => {
    expect(thrown(() => assertCan(signedIn('admin'), 'member.read')).code).toBe('ACCESS_DENIED');
  });
});

describe('granting roles', () => {
  test('an orgAdmin grants every role but superAdmin; a superAdmin all; others none', () => {
    expect(grantableRoles(['orgAdmin'])).toEqual(['orgAdmin', 'secretary', 'member', 'inspector']);
    expect(grantableRoles(['superAdmin'])).toEqual([...roles]);
    expect(grantableRoles(['secretary', 'inspector'])).toEqual([]);
    expect(grantableRoles([])).toEqual([]);
  });

  test('an orgAdmin can neither grant nor revoke superAdmin', () => {
    const orgAdmin = signedIn('orgAdmin');
    expect(() => assertCanAssignRoles(orgAdmin, ['secretary', 'member'], ['member'])).not.toThrow();
    expect(thrown(() => assertCanAssignRoles(orgAdmin, ['superAdmin'], [])).code).toBe('ACCESS_ROLE_NOT_GRANTABLE');
    expect(thrown(() => assertCanAssignRoles(orgAdmin, ['member'], ['superAdmin', 'member'])).code).toBe('ACCESS_ROLE_NOT_GRANTABLE');
    // Keeping an existing superAdmin role untouched is not a grant.
    expect(() => assertCanAssignRoles(orgAdmin, ['superAdmin', 'member'], ['superAdmin'])).not.toThrow();
  });

  test('a superAdmin may grant superAdmin; unknown roles are a bad request', () => {
    expect(() => assertCanAssignRoles(signedIn('superAdmin'), ['superAdmin'])).not.toThrow();
    const error = thrown(() => assertCanAssignRoles(signedIn('superAdmin'), ['admin']));
    expect(error.kind).toBe('invalidArgument');
    expect(error.code).toBe('ACCESS_UNKNOWN_ROLE');
  });

  test('without user.manage the change is refused before anything else', () => {
    expect(thrown(() => assertCanAssignRoles(signedIn('secretary'), ['member'])).code).toBe('ACCESS_DENIED');
    expect(thrown(() => assertCanAssignRoles(anonymous, ['member'])).code).toBe('AUTH_REQUIRED');
  });
});

describe('docs/access.md', () => {
  test('holds exactly the rendered matrix between the markers', () => {
    const docs = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'access.md'), 'utf8');
    const match = /<!-- matrix:start -->\n([\s\S]*?)\n<!-- matrix:end -->/.exec(docs);
    expect(match).not.toBeNull();
    expect(match?.[1]?.trim()).toBe(renderMatrixMarkdown());
  });

  test('the table has one row per action and a column for the public and each role', () => {
    const lines = renderMatrixMarkdown().split('\n');
    expect(lines).toHaveLength(actions.length + 2);
    for (const line of lines) expect(line.split('|').length - 2).toBe(2 + 1 + roles.length);
  });
});
