/**
 * The member service's vocabularies on the wire, and what every adapter shares. The codecs are
 * the ones the build generates for each proto enum (MEMBER_STAGE_PROBATIONARY <-> probationary),
 * typed with the domain's words; test/grpc/codecs.test.ts holds each to the domain's list.
 */
import type { EnumCodec } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { DuesCategory } from '../domain/dues';
import type { MeetingType } from '../domain/meetings';
import type { Gender } from '../domain/national-id';
import type { OrganizationKind } from '../domain/organization';
import type { PipelineStage } from '../domain/pipeline';
import type { EducationLevel } from '../domain/profile';
import type { ClientAction, TransferStatus, TransferStep } from '../domain/transfer';
import type { MemberFileFormat } from '../files/member-file';

export const kindCodec = pb.organizationKindCodec as EnumCodec<pb.OrganizationKind, OrganizationKind>;
export const stageCodec = pb.memberStageCodec as EnumCodec<pb.MemberStage, PipelineStage>;
export const genderCodec = pb.genderCodec as EnumCodec<pb.Gender, Gender>;
export const educationCodec = pb.educationCodec as EnumCodec<pb.Education, EducationLevel>;
export const duesCategoryCodec = pb.duesCategoryCodec as EnumCodec<pb.DuesCategory, DuesCategory>;
export const transferStatusCodec = pb.transferStatusCodec as EnumCodec<pb.TransferStatus, TransferStatus>;
export const transferActionCodec = pb.transferActionCodec as EnumCodec<pb.TransferAction, ClientAction>;
export const transferStepCodec = pb.transferStepActionCodec as EnumCodec<pb.TransferStepAction, TransferStep['action']>;
export const meetingTypeCodec = pb.meetingTypeCodec as EnumCodec<pb.MeetingType, MeetingType>;
export const importFormatCodec = pb.importFormatCodec as EnumCodec<pb.ImportFormat, MemberFileFormat>;

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
