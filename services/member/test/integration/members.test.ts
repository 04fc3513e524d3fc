/** Member records over gRPC: the vocabularies as enums, update masks, stale revisions, the import's bounds. */
import { status } from '@grpc/grpc-js';
import * as pb from '@repo/proto/member/v1';
import { credentialsFor, syntheticId } from '@repo/testbed';
import { listedImportErrors } from '../../src/members/import';
import { sheetWithCell, workbookWith } from '../fixtures/zip';
import { failure, newMember, seedTree, startMember, superAdmin, type MemberService, type Tree } from '../support';

jest.setTimeout(90_000);

let service: MemberService;
let tree: Tree;

beforeAll(async () => {
  service = await startMember();
  tree = await seedTree(service);
});

afterAll(() => service.stop());

const update = async (request: Partial<pb.UpdateMemberRequest>) =>
  (await service.members.call('updateMember', pb.UpdateMemberRequest.fromPartial(request), await credentialsFor(superAdmin))).member!;

test('stages, genders, educations and dues categories travel as enums and filter lists', async () => {
  const member = await newMember(service, tree.branchA.id, {
    gender: pb.Gender.GENDER_FEMALE,
    nationalId: syntheticId('1990-01-01', 'female', { sequence: '77' }),
    duesCategory: pb.DuesCategory.DUES_CATEGORY_RETIRED,
  });
  expect(member).toMatchObject({
    stage: pb.MemberStage.MEMBER_STAGE_FULL,
    gender: pb.Gender.GENDER_FEMALE,
    education: pb.Education.EDUCATION_BACHELOR,
    duesCategory: pb.DuesCategory.DUES_CATEGORY_RETIRED,
  });
  expect(member.history.map((step) => step.stage)).toEqual([
    pb.MemberStage.MEMBER_STAGE_APPLICANT,
    pb.MemberStage.MEMBER_STAGE_ACTIVIST,
    pb.MemberStage.MEMBER_STAGE_CANDIDATE,
    pb.MemberStage.MEMBER_STAGE_PROBATIONARY,
    pb.MemberStage.MEMBER_STAGE_FULL,
  ]);
  const list = async (filter: Partial<pb.ListMembersRequest>) =>
    (
      await service.members.call(
        'listMembers',
        pb.ListMembersRequest.fromPartial({ organizationId: tree.branchA.id, ...filter }),
        await credentialsFor(superAdmin),
      )
    ).members.map((m) => m.id);
  expect(await list({ gender: pb.Gender.GENDER_FEMALE })).toContain(member.id);
  expect(await list({ gender: pb.Gender.GENDER_MALE })).not.toContain(member.id);
  expect(await list({ stage: pb.MemberStage.MEMBER_STAGE_APPLICANT })).not.toContain(member.id);
});

test('an unspecified enum where a value is required is a 400 naming the field', async () => {
  const refused = await failure(
    newMember(service, tree.branchA.id, { gender: pb.Gender.GENDER_UNSPECIFIED, education: pb.Education.EDUCATION_UNSPECIFIED }),
  );
  expect(refused).toMatchObject({ grpcStatus: status.INVALID_ARGUMENT, details: { gender: 'is required', education: 'is required' } });
});

test('an update changes the fields its mask names; a stale revision is 409 STALE_REVISION', async () => {
  const member = await newMember(service, tree.branchA.id);
  const changed = await update({
    id: member.id,
    updateMask: ['education', 'duesIncomeFen'],
    profile: pb.MemberProfile.fromPartial({ education: pb.Education.EDUCATION_MASTER, duesIncomeFen: '450000', name: 'ignored' }),
    expectedRevision: member.revision,
  });
  expect(changed).toMatchObject({
    name: member.name,
    education: pb.Education.EDUCATION_MASTER,
    duesIncomeFen: '450000',
    revision: member.revision + 1,
  });
  const stale = await failure(
    update({
      id: member.id,
      updateMask: ['education'],
      profile: pb.MemberProfile.fromPartial({ education: pb.Education.EDUCATION_DOCTORATE }),
      expectedRevision: member.revision,
    }),
  );
  expect(stale).toMatchObject({ grpcStatus: status.ABORTED, code: 'STALE_REVISION' });
  expect(await failure(update({ id: member.id, updateMask: ['nickname'] }))).toMatchObject({
    code: 'VALIDATION_FAILED',
    details: { nickname: 'is not an updatable field' },
  });
  expect((await failure(update({ id: member.id, updateMask: ['stage'] }))).code).toBe('MEMBER_USE_STAGE_STEP');

  const step = pb.ChangeStageRequest.fromPartial({
    id: member.id,
    stage: pb.MemberStage.MEMBER_STAGE_DISQUALIFIED,
    date: '2024-01-01',
    decisionRef: '支委会决议',
    expectedRevision: member.revision,
  });
  expect(await failure(service.members.call('changeStage', step, await credentialsFor(superAdmin)))).toMatchObject({
    code: 'STALE_REVISION',
  });
});

describe('the import', () => {
  const importFile = async (file: Buffer, format: pb.ImportFormat) =>
    service.members.call(
      'importMembers',
      pb.ImportMembersRequest.fromPartial({ file, format, dryRun: true }),
      await credentialsFor(superAdmin),
    );

  test('its reply lists the first errors and counts all of them', async () => {
    const rows = Array.from(
      { length: listedImportErrors + 50 },
      (_, i) => `党员${i},男,汉族,1990-01-01,不是身份证号,本科,,${tree.branchA.id},入党申请人,2020-01-01`,
    );
    const csv = Buffer.from(['姓名,性别,民族,出生日期,身份证号,学历,手机号,所在组织,发展阶段,申请入党日期', ...rows].join('\n'));
    const reply = await importFile(csv, pb.ImportFormat.IMPORT_FORMAT_CSV);
    expect(reply).toMatchObject({ rows: rows.length, imported: 0, invalidRows: rows.length, errorCount: rows.length });
    expect(reply.errors).toHaveLength(listedImportErrors);
    expect(reply.errors[0]).toMatchObject({ line: 2, field: 'nationalId' });
  });

  test('a workbook that unpacks beyond the limits is refused naming the limit', async () => {
    const bomb = workbookWith(sheetWithCell(Buffer.alloc(100_000_000, 'A')));
    const refused = await failure(importFile(bomb, pb.ImportFormat.IMPORT_FORMAT_XLSX));
    expect(refused).toMatchObject({
      grpcStatus: status.INVALID_ARGUMENT,
      code: 'MEMBER_IMPORT_TOO_LARGE',
      details: { limit: 'unpackedBytes' },
    });
  });

  test('an unspecified format is a 400 naming the field', async () => {
    expect((await failure(importFile(Buffer.from('姓名\n'), pb.ImportFormat.IMPORT_FORMAT_UNSPECIFIED))).details).toEqual({
      format: 'must be csv or xlsx',
    });
  });
});
