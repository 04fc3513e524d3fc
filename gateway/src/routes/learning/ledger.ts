/** The class-hour ledger, reports and the rule data (with effective dates) over REST. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, call, errorResponses, Id, int32, PageFields, pageOf, pageQuery } from '../common';
import type { LearningRouteOptions } from './clients';
import { codecs, Hours, hoursOf, MemberId, quarterHoursOf, wordOf, words, Year } from './schemas';

const RuleStandingBody = Type.Object({
  code: Type.String(),
  title: Type.String(),
  windowYears: Type.Integer(),
  required: Hours('The minimum'),
  earned: Hours('Counted in the window'),
  expected: Hours('Due pro rata by the quarters ended'),
  offlineSessions: Type.Integer(),
  requiredOfflineSessions: Type.Integer(),
  met: Type.Boolean(),
  onTrack: Type.Boolean(),
});

const LedgerBody = Type.Object(
  {
    memberId: Type.String(),
    year: Type.Integer(),
    orgPath: Type.String(),
    entries: Type.Array(
      Type.Object({
        key: Type.String(),
        kind: Type.String(),
        hours: Hours('Earned'),
        date: Type.String(),
        title: Type.String(),
        courseId: Type.String(),
        unitId: Type.String(),
        trainingId: Type.String(),
      }),
    ),
    online: Hours('Online self-study'),
    offline: Hours('Offline (集中培训)'),
    total: Hours('All'),
    offlineSessions: Type.Integer(),
    rules: Type.Array(RuleStandingBody),
    onTrack: Type.Boolean(),
    assessedQuarters: Type.Integer({ description: 'Quarters of the year ended when assessed' }),
    requirementSet: Type.String(),
  },
  { $id: 'Ledger' },
);

function toLedgerBody(l: pb.Ledger | undefined): Static<typeof LedgerBody> {
  if (!l) throw new Error('service answered without a ledger');
  return {
    memberId: l.memberId,
    year: l.year,
    orgPath: l.orgPath,
    entries: l.entries.map((e) => ({
      key: e.key,
      kind: wordOf(codecs.hoursKind, e.kind),
      hours: hoursOf(e.quarterHours),
      date: e.date,
      title: e.title,
      courseId: e.courseId,
      unitId: e.unitId,
      trainingId: e.trainingId,
    })),
    online: hoursOf(l.onlineQuarterHours),
    offline: hoursOf(l.offlineQuarterHours),
    total: hoursOf(l.totalQuarterHours),
    offlineSessions: l.offlineSessions,
    rules: l.rules.map((r) => ({
      code: r.code,
      title: r.title,
      windowYears: r.windowYears,
      required: hoursOf(r.requiredQuarterHours),
      earned: hoursOf(r.earnedQuarterHours),
      expected: hoursOf(r.expectedQuarterHours),
      offlineSessions: r.offlineSessions,
      requiredOfflineSessions: r.requiredOfflineSessions,
      met: r.met,
      onTrack: r.onTrack,
    })),
    onTrack: l.onTrack,
    assessedQuarters: l.assessedQuarters,
    requirementSet: l.requirementSet,
  };
}

const YearQuery = Type.Object({ year: Type.Optional(Year()) }, { additionalProperties: false });

const ReportQuery = Type.Object(
  {
    organizationId: Type.Optional(Id('Every learner at or below this node; leave out for your whole scope')),
    year: Type.Optional(Year()),
    ...pageQuery(500),
  },
  { additionalProperties: false },
);

const ReportBody = Type.Object({
  year: Type.Integer(),
  orgPath: Type.String(),
  learners: Type.Integer({ description: 'Learners with at least one requirement' }),
  onTrack: Type.Integer(),
  met: Type.Integer(),
  shareOnTrack: Type.Number({ description: 'onTrack ÷ learners, to three places' }),
  rules: Type.Array(
    Type.Object({ code: Type.String(), title: Type.String(), applicable: Type.Integer(), onTrack: Type.Integer(), met: Type.Integer() }),
  ),
  behind: Type.Array(
    Type.Object({ memberId: Type.String(), orgPath: Type.String(), total: Hours('This year'), behindRules: Type.Array(Type.String()) }),
  ),
  ...PageFields,
});

const TableBody = Type.Object(
  {
    version: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' }),
    effectiveFrom: calendarDate('Applies to class hours earned on or after this day (today or later)'),
    onlineBands: Type.Array(
      Type.Object(
        { minMinutes: int32({ minimum: 0, maximum: 1_440 }), hours: Hours('Earned by a unit of at least minMinutes') },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        maxItems: 20,
        description: 'Longest first; the last starts at 0 minutes',
      },
    ),
    unitTestBonus: Hours('Added when its unit test is passed'),
    offlineFullDay: Hours('A full day of 集中培训'),
    offlineHalfDay: Hours('A half day'),
    basis: Type.String({ minLength: 1, maxLength: 500, description: 'Where the numbers come from' }),
  },
  { additionalProperties: false },
);
const TableOut = Type.Composite([TableBody, Type.Object({ createdBy: Type.String() })]);

const RuleBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][A-Za-z0-9]{0,39}$' }),
    title: Type.String({ minLength: 1, maxLength: 100 }),
    basis: Type.String({ minLength: 1, maxLength: 200, description: 'The regulation it comes from' }),
    audience: Type.Object(
      {
        stages: Type.Optional(
          Type.Array(Type.String({ pattern: '^[a-z][A-Za-z]{0,29}$' }), {
            maxItems: 10,
            description: 'Development stages (probationary, full); none: any',
          }),
        ),
        posts: Type.Optional(Type.Array(words('post', 'Post'), { maxItems: 2 })),
        cadreLevels: Type.Optional(Type.Array(words('cadreLevel', 'Cadre level'), { maxItems: 4 })),
      },
      { additionalProperties: false },
    ),
    windowYears: int32({ minimum: 1, maximum: 10, description: '1: the year; 5: the five years ending with it' }),
    minimum: Hours('Class hours needed in the window', 0.25),
    counts: Type.Array(words('hoursKind', 'online or offline'), { minItems: 1, maxItems: 2 }),
    minimumOfflineSessions: int32({ minimum: 0, maximum: 100, description: '集中培训 sessions needed in the window' }),
  },
  { additionalProperties: false },
);
const SetBody = Type.Object(
  {
    version: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' }),
    effectiveFrom: calendarDate('1 January of a coming year'),
    rules: Type.Array(RuleBody, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

function toTableBody(t: pb.ConversionTable) {
  return {
    version: t.version,
    effectiveFrom: t.effectiveFrom,
    onlineBands: t.onlineBands.map((b) => ({ minMinutes: b.minMinutes, hours: hoursOf(b.quarterHours) })),
    unitTestBonus: hoursOf(t.unitTestBonusQuarterHours),
    offlineFullDay: hoursOf(t.offlineFullDayQuarterHours),
    offlineHalfDay: hoursOf(t.offlineHalfDayQuarterHours),
    basis: t.basis,
    createdBy: t.createdBy,
  };
}

function toSetBody(s: pb.RequirementSet) {
  return {
    version: s.version,
    effectiveFrom: s.effectiveFrom,
    createdBy: s.createdBy,
    rules: s.rules.map((r) => ({
      code: r.code,
      title: r.title,
      basis: r.basis,
      audience: {
        stages: r.audience?.stages ?? [],
        posts: (r.audience?.posts ?? []).map((p) => wordOf(codecs.post, p)),
        cadreLevels: (r.audience?.cadreLevels ?? []).map((l) => wordOf(codecs.cadreLevel, l)),
      },
      windowYears: r.windowYears,
      minimum: hoursOf(r.minimumQuarterHours),
      counts: r.counts.map((k) => wordOf(codecs.hoursKind, k)),
      minimumOfflineSessions: r.minimumOfflineSessions,
    })),
  };
}

export const ledgerRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.get(
    '/me/ledger',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Your class-hour ledger of a year and your standing against the requirements',
        querystring: YearQuery,
        response: { 200: LedgerBody, ...errorResponses },
      },
    },
    async (request) =>
      toLedgerBody((await call(request, learning.ledger, 'getLedger', { memberId: '', year: request.query.year ?? 0 })).ledger),
  );

  app.get(
    '/learners/:memberId/ledger',
    {
      schema: {
        tags: ['ledger'],
        summary: "A learner's class-hour ledger of a year",
        params: Type.Object({ memberId: MemberId() }, { additionalProperties: false }),
        querystring: YearQuery,
        response: { 200: LedgerBody, ...errorResponses },
      },
    },
    async (request) =>
      toLedgerBody(
        (await call(request, learning.ledger, 'getLedger', { memberId: request.params.memberId, year: request.query.year ?? 0 })).ledger,
      ),
  );

  app.get(
    '/learning/reports/hours',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Class hours of a subtree and year: the share on track, per requirement, and who is behind',
        querystring: ReportQuery,
        response: { 200: ReportBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await call(request, learning.ledger, 'getHoursReport', {
        organizationId: q.organizationId ?? '',
        year: q.year ?? 0,
        page: { page: q.page ?? 1, size: q.size ?? 50 },
      });
      return {
        year: r.year,
        orgPath: r.orgPath,
        learners: r.learners,
        onTrack: r.onTrack,
        met: r.met,
        shareOnTrack: r.shareOnTrackPermille / 1000,
        rules: r.rules.map((x) => ({ code: x.code, title: x.title, applicable: x.applicable, onTrack: x.onTrack, met: x.met })),
        behind: r.behind.map((b) => ({
          memberId: b.memberId,
          orgPath: b.orgPath,
          total: hoursOf(b.totalQuarterHours),
          behindRules: b.behindRules,
        })),
        ...pageOf(r.page),
      };
    },
  );

  app.get(
    '/learning/conversion-tables',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The conversion tables (class hours of units), oldest first',
        response: { 200: Type.Object({ items: Type.Array(TableOut) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await call(request, learning.ledger, 'listConversionTables', {})).tables.map(toTableBody),
    }),
  );

  app.post(
    '/learning/conversion-tables',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Add a conversion table taking effect on a day (today or later)',
        body: TableBody,
        response: { 201: TableOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { table } = await call(request, learning.ledger, 'addConversionTable', {
        table: pb.ConversionTable.create({
          version: b.version,
          effectiveFrom: b.effectiveFrom,
          onlineBands: b.onlineBands.map((x) => ({ minMinutes: x.minMinutes, quarterHours: quarterHoursOf(x.hours) })),
          unitTestBonusQuarterHours: quarterHoursOf(b.unitTestBonus),
          offlineFullDayQuarterHours: quarterHoursOf(b.offlineFullDay),
          offlineHalfDayQuarterHours: quarterHoursOf(b.offlineHalfDay),
          basis: b.basis,
        }),
      });
      return reply.status(201).send(toTableBody(table!));
    },
  );

  const SetOut = Type.Composite([SetBody, Type.Object({ createdBy: Type.String() })]);
  app.get(
    '/learning/requirement-sets',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The requirement rule sets, oldest first',
        response: { 200: Type.Object({ items: Type.Array(SetOut) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await call(request, learning.ledger, 'listRequirementSets', {})).sets.map(toSetBody),
    }),
  );

  app.post(
    '/learning/requirement-sets',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Add a requirement set assessing the years from a coming 1 January on',
        body: SetBody,
        response: { 201: SetOut, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { set } = await call(request, learning.ledger, 'addRequirementSet', {
        set: pb.RequirementSet.create({
          version: b.version,
          effectiveFrom: b.effectiveFrom,
          rules: b.rules.map((r) =>
            pb.RequirementRule.create({
              code: r.code,
              title: r.title,
              basis: r.basis,
              audience: {
                stages: r.audience.stages ?? [],
                posts: (r.audience.posts ?? []).map((p) => codecs.post.toProto(p)),
                cadreLevels: (r.audience.cadreLevels ?? []).map((l) => codecs.cadreLevel.toProto(l)),
              },
              windowYears: r.windowYears,
              minimumQuarterHours: quarterHoursOf(r.minimum),
              counts: r.counts.map((k) => codecs.hoursKind.toProto(k)),
              minimumOfflineSessions: r.minimumOfflineSessions,
            }),
          ),
        }),
      });
      return reply.status(201).send(toSetBody(set!));
    },
  );
};
