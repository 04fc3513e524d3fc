// The fuzz stage's data for the member service: two cities' organisation tree, members in every
// branch (an applicant among them), a superAdmin and a member user who are real accounts, a
// meeting and a transfer. The member user becomes the stage's "member" caller.
import { randomBytes } from 'node:crypto';

/** Seeded ids by dictionary, and the fields and paths that take them. */
export const dictionaries = {
  organizations: {
    paths: ['^/api/v1/organizations/\\{id\\}'],
    fields: ['body.organizationId', 'query.organizationId', 'body.parentId', 'query.parentId', 'body.newParentId', 'body.toOrganizationId'],
  },
  members: {
    paths: ['^/api/v1/members/\\{id\\}'],
    fields: [
      'body.memberId',
      'query.memberId',
      'body.memberIds[*]',
      'body.attendance.present[*]',
      'body.attendance.excused[*]',
      'body.attendance.absent[*]',
    ],
  },
  users: { paths: ['^/api/v1/users/\\{id\\}'], fields: [] },
  meetings: { paths: ['^/api/v1/meetings/\\{id\\}'], fields: [] },
  transfers: { paths: ['^/api/v1/transfers/\\{id\\}'], fields: [] },
};

let serial = 0;
function person(testbed, organizationId, stage) {
  serial += 1;
  const birthDate = `1988-0${(serial % 9) + 1}-1${serial % 10}`;
  const gender = serial % 2 ? 'female' : 'male';
  return {
    name: `模糊测试党员${serial}`,
    gender,
    ethnicity: '汉族',
    birthDate,
    nationalId: testbed.syntheticId(birthDate, gender, { sequence: String(10 + serial) }),
    education: 'bachelor',
    phone: '13800138000',
    organizationId,
    stage,
    keyDates:
      stage === 'full'
        ? {
            applicationDate: '2010-01-05',
            activistDate: '2010-06-01',
            candidateDate: '2011-07-01',
            probationaryDate: '2012-07-01',
            fullDate: '2013-07-01',
          }
        : { applicationDate: '2023-03-01' },
  };
}

/** Seeds through the REST API with `api(method, path, identity, body)`; records ids with `record`. */
export async function seed({ api, identities, record, testbed }) {
  const org = async (parentId, name, kind) => {
    const created = await api('POST', '/api/v1/organizations', identities.admin, { ...(parentId ? { parentId } : {}), name, kind });
    record('organizations', created.id);
    return created;
  };
  const province = await org(undefined, '中共江川省委直属机关委员会', 'committee');
  const city = await org(province.id, '中共江川省青石市委员会', 'committee');
  const branchA = await org(city.id, '青石市教育局机关第一党支部', 'branch');
  const branchB = await org(city.id, '青石市教育局机关第二党支部', 'branch');
  await org(branchA.id, '第一党小组', 'group');
  const otherCity = await org(province.id, '中共江川省白沙市委员会', 'committee');
  const branchC = await org(otherCity.id, '白沙市财政局机关党支部', 'branch');
  const members = [];
  for (const [branch, stage] of [
    [branchA, 'full'],
    [branchA, 'full'],
    [branchA, 'applicant'],
    [branchB, 'full'],
    [branchC, 'full'],
  ]) {
    const created = await api('POST', '/api/v1/members', identities.admin, person(testbed, branch.id, stage));
    record('members', created.id);
    members.push(created);
  }
  const password = `Fz-${randomBytes(12).toString('base64url')}`;
  const admin = await api('POST', '/api/v1/users', identities.admin, {
    userName: 'fuzz.admin',
    displayName: '模糊测试管理员',
    password,
    roles: ['superAdmin'],
  });
  const member = await api('POST', '/api/v1/users', identities.admin, {
    userName: 'fuzz.member',
    displayName: '模糊测试党员',
    password,
    roles: ['member'],
    organizationId: branchA.id,
    memberId: members[0].id,
  });
  record('users', admin.id, member.id);
  identities.admin = { ...identities.admin, userId: admin.id };
  identities.member = { userId: member.id, roles: ['member'], orgPath: branchA.path };
  const meeting = await api('POST', '/api/v1/meetings', identities.admin, {
    organizationId: branchA.id,
    type: 'generalMeeting',
    date: new Date().toISOString().slice(0, 10),
    topic: '学习贯彻党的二十大精神',
    minutes: '会议记录',
    attendance: { present: [members[0].id, members[1].id] },
  });
  record('meetings', meeting.id);
  const transfer = await api('POST', '/api/v1/transfers', identities.admin, {
    memberId: members[1].id,
    toOrganizationId: branchB.id,
    reason: '工作调动',
  });
  record('transfers', transfer.id);
}
