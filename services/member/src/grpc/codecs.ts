/**
 * The member service's vocabularies on the wire: each proto enum <-> the domain's words
 * (MEMBER_STAGE_PROBATIONARY <-> probationary), and what every adapter shares.
 */
import { enumCodec } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { DuesCategory } from '../domain/dues';
import type { MeetingType } from '../domain/meetings';
import type { Gender } from '../domain/national-id';
import type { OrganizationKind } from '../domain/organization';
import type { PipelineStage } from '../domain/pipeline';
import type { EducationLevel } from '../domain/profile';
import type { ClientAction, TransferStatus, TransferStep } from '../domain/transfer';
import type { MemberFileFormat } from '../files/member-file';

export const kindCodec = enumCodec<pb.OrganizationKind, OrganizationKind>(pb.OrganizationKind, 'ORGANIZATION_KIND_');
export const stageCodec = enumCodec<pb.MemberStage, PipelineStage>(pb.MemberStage, 'MEMBER_STAGE_');
export const genderCodec = enumCodec<pb.Gender, Gender>(pb.Gender, 'GENDER_');
export const educationCodec = enumCodec<pb.Education, EducationLevel>(pb.Education, 'EDUCATION_');
export const duesCategoryCodec = enumCodec<pb.DuesCategory, DuesCategory>(pb.DuesCategory, 'DUES_CATEGORY_');
export const transferStatusCodec = enumCodec<pb.TransferStatus, TransferStatus>(pb.TransferStatus, 'TRANSFER_STATUS_');
export const transferActionCodec = enumCodec<pb.TransferAction, ClientAction>(pb.TransferAction, 'TRANSFER_ACTION_');
export const transferStepCodec = enumCodec<pb.TransferStepAction, TransferStep['action']>(pb.TransferStepAction, 'TRANSFER_STEP_ACTION_');
export const meetingTypeCodec = enumCodec<pb.MeetingType, MeetingType>(pb.MeetingType, 'MEETING_TYPE_');
export const importFormatCodec = enumCodec<pb.ImportFormat, MemberFileFormat>(pb.ImportFormat, 'IMPORT_FORMAT_');

/** Page sizes of every list of the service. */
export const paging = { defaultSize: 20, maxSize: 100 } as const;

/**
 * An int64 (a decimal string in TS) as a number; NaN when it is no safe integer, which every
 * amount check refuses.
 */
export function int64(value: string): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}
