/** Each vocabulary of the domain is its proto enum's values, in order: neither can drift. */
import { duesCategories } from '../../src/domain/dues';
import { meetingTypes } from '../../src/domain/meetings';
import { organizationKinds } from '../../src/domain/organization';
import { pipelineStages } from '../../src/domain/pipeline';
import { educationLevels, genders } from '../../src/domain/profile';
import { clientActions, transferStatuses, transferStepActions } from '../../src/domain/transfer';
import { memberFileFormats } from '../../src/files/member-file';
import {
  duesCategoryCodec,
  educationCodec,
  genderCodec,
  importFormatCodec,
  kindCodec,
  meetingTypeCodec,
  stageCodec,
  transferActionCodec,
  transferStatusCodec,
  transferStepCodec,
} from '../../src/grpc/codecs';

test.each([
  ['organisation kinds', kindCodec.values, organizationKinds],
  ['pipeline stages', stageCodec.values, pipelineStages],
  ['genders', genderCodec.values, genders],
  ['education levels', educationCodec.values, educationLevels],
  ['dues categories', duesCategoryCodec.values, duesCategories],
  ['transfer statuses', transferStatusCodec.values, transferStatuses],
  ['transfer actions a caller may ask for', transferActionCodec.values, clientActions],
  ['transfer history steps', transferStepCodec.values, transferStepActions],
  ['meeting types', meetingTypeCodec.values, meetingTypes],
  ['import formats', importFormatCodec.values, memberFileFormats],
])('%s', (_name, proto, domain) => {
  expect(proto).toEqual([...domain]);
});

test('every value goes to its enum and back', () => {
  for (const stage of pipelineStages) expect(stageCodec.fromProto(stageCodec.toProto(stage))).toBe(stage);
  expect(stageCodec.fromProto('MEMBER_STAGE_UNSPECIFIED')).toBeUndefined();
});
