/**
 * What the learning routes share: ids, class hours as REST shows them, years, and the words of
 * the contract's enums (from their codecs, so no list is typed twice).
 */
import * as pb from '@repo/proto/learning/v1';
import { Type } from '@sinclair/typebox';
import { int32, oneOf } from '../common';

export const codecs = {
  unitKind: pb.unitKindCodec,
  category: pb.courseCategoryCodec,
  requirement: pb.courseRequirementCodec,
  audience: pb.audienceKindCodec,
  courseStatus: pb.courseStatusCodec,
  courseAction: pb.courseActionCodec,
  cadreLevel: pb.cadreLevelCodec,
  post: pb.learnerPostCodec,
  dayPart: pb.dayPartCodec,
  hoursKind: pb.hoursKindCodec,
  enrolmentStatus: pb.enrolmentStatusCodec,
  organiserKind: pb.organiserKindCodec,
  trainingMode: pb.trainingModeCodec,
  trainingStatus: pb.trainingStatusCodec,
  duplicateRule: pb.duplicateRuleCodec,
  questionType: pb.questionTypeCodec,
  examStatus: pb.examStatusCodec,
  examAction: pb.examActionCodec,
  paperStatus: pb.paperStatusCodec,
  anomaly: pb.anomalyKindCodec,
  pointsAction: pb.pointsActionCodec,
};

/** A word of a codec, or '' for an unspecified value. */
export const wordOf = (codec: { fromProto(v: string | undefined): string | undefined }, value: string | undefined): string =>
  codec.fromProto(value) ?? '';

/** Ids of this service's records: uuids, or uuids joined by ':' (an enrolment is course:member). */
export const RecordId = (description: string) => Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_-]{1,64}){0,2}$', description });

/** A member's id as the member service gives it. */
export const MemberId = (description = 'Member id (member service)') => Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description });

/**
 * Class hours (学时) on the wire: a number of whole quarter-hours (0.25, 1.5, 32). The service
 * keeps quarter-hours as integers; 0.25 and its multiples are exact in JSON numbers.
 */
export const Hours = (description: string, minimum = 0) =>
  Type.Number({ minimum, maximum: 100_000, multipleOf: 0.25, description: `${description} (学时, a multiple of 0.25)` });

export const hoursOf = (quarterHours: number) => quarterHours / 4;
export const quarterHoursOf = (hours: number) => Math.round(hours * 4);

export const Year = (description = 'Calendar year; defaults to this year in the province (UTC+8)') =>
  int32({ minimum: 2000, maximum: 2100, description });

export const ReasonText = (description: string) => Type.String({ maxLength: 500, description });

export const words = <K extends keyof typeof codecs>(key: K, description: string) => oneOf(codecs[key].values, description);

/** Whom a course or an exam is for, as REST spells it. */
export const AudienceInput = Type.Object(
  {
    kind: words('audience', 'allMembers, secretariesAndCommittee (支部书记、支委委员), cadres'),
    cadreLevels: Type.Optional(
      Type.Array(words('cadreLevel', 'Cadre level'), {
        maxItems: 4,
        description: 'For cadres: the levels it is for; none for every level',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AudienceBody = Type.Object({ kind: Type.String(), cadreLevels: Type.Array(Type.String()) });

export const toProtoAudience = (a: { kind: string; cadreLevels?: string[] } | undefined): pb.Audience =>
  pb.Audience.create({
    kind: codecs.audience.toProto(a?.kind),
    cadreLevels: (a?.cadreLevels ?? []).map((l) => codecs.cadreLevel.toProto(l)),
  });

export const audienceBodyOf = (a: pb.Audience | undefined) => ({
  kind: wordOf(codecs.audience, a?.kind),
  cadreLevels: (a?.cadreLevels ?? []).map((l) => wordOf(codecs.cadreLevel, l)),
});
