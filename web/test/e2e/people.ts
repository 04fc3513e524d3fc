/**
 * The people the member and console tests sign in as, in a small tree of 江川省, all made through
 * the REST API by a superAdmin (a signed token stands in for the bootstrap administrator):
 *
 *   中共江川省委组织部机关委员会 (committee)  reviewer: orgAdmin, inspector
 *   └ 中共临江市委员会 (committee)            editor: orgAdmin (writes documents, imports members)
 *     └ 临江市教育局机关第一党支部 (branch)   secretary; member (a user linked to their member record)
 */
import { bearer, syntheticId } from '@repo/testbed';
import { tokenSecret, type Platform } from '../../../gateway/test/support';

export interface Person {
  userName: string;
  password: string;
  displayName: string;
  id: string;
}

export interface Cast {
  province: { id: string; name: string; path: string };
  city: { id: string; name: string; path: string };
  branch: { id: string; name: string; path: string };
  reviewer: Person;
  editor: Person;
  secretary: Person;
  member: Person & { memberId: string };
  inspector: Person;
  /** The branch's members before any import: the member's own record and two others. */
  roster: { id: string; name: string }[];
}

const admin = bearer({ userId: 'web-test-admin', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);

/** A POST to the REST API as the superAdmin; the created resource. */
export async function post(platform: Platform, path: string, body: unknown): Promise<{ id: string; name: string; path: string }> {
  const response = await fetch(`${platform.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string; name: string; path: string };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** A GET from the REST API as the superAdmin. */
export async function get<T>(platform: Platform, path: string): Promise<T> {
  const response = await fetch(`${platform.baseUrl}/api/v1${path}`, { headers: admin });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

let serial = 0;

/** A member record of the branch, with a valid synthetic national ID. */
export function memberRow(organizationId: string, name: string, gender: 'male' | 'female' = 'female') {
  serial += 1;
  const birthDate = `1988-0${(serial % 9) + 1}-1${serial % 10}`;
  return {
    name,
    gender,
    ethnicity: '汉族',
    birthDate,
    nationalId: syntheticId(birthDate, gender, { region: '360102', sequence: String(10 + (serial % 90)) }),
    education: 'bachelor',
    phone: '13800138000',
    organizationId,
    stage: 'full',
    keyDates: {
      applicationDate: '2008-03-01',
      activistDate: '2008-09-01',
      candidateDate: '2009-09-01',
      probationaryDate: '2010-07-01',
      fullDate: '2011-07-01',
    },
    duesCategory: 'inService',
    duesIncomeFen: 600_000,
  };
}

export async function castPeople(platform: Platform): Promise<Cast> {
  const province = await post(platform, '/organizations', { name: '中共江川省委组织部机关委员会', kind: 'committee' });
  const city = await post(platform, '/organizations', { parentId: province.id, name: '中共临江市委员会', kind: 'committee' });
  const branch = await post(platform, '/organizations', { parentId: city.id, name: '临江市教育局机关第一党支部', kind: 'branch' });
  const own = await post(platform, '/members', memberRow(branch.id, '陈红梅'));
  const others = [
    await post(platform, '/members', memberRow(branch.id, '刘建国', 'male')),
    await post(platform, '/members', memberRow(branch.id, '赵丽')),
  ];

  async function user(userName: string, displayName: string, roles: string[], organizationId: string, memberId?: string): Promise<Person> {
    // The policy: 12 characters or more of three kinds, not containing the user name.
    const password = `Portal-2026-${displayName.length}${roles.length}x!`;
    const created = await post(platform, '/users', {
      userName,
      displayName,
      password,
      roles,
      organizationId,
      ...(memberId ? { memberId } : {}),
    });
    return { userName, password, displayName, id: created.id };
  }

  return {
    province,
    city,
    branch,
    reviewer: await user('zhang.shen', '张审', ['orgAdmin'], province.id),
    editor: await user('wang.bian', '王编', ['orgAdmin'], city.id),
    secretary: await user('li.shuji', '李书记', ['secretary'], branch.id),
    member: { ...(await user('chen.hongmei', '陈红梅', ['member'], branch.id, own.id)), memberId: own.id },
    inspector: await user('zhou.jian', '周检', ['inspector'], province.id),
    roster: [own, ...others].map(({ id, name }) => ({ id, name })),
  };
}
