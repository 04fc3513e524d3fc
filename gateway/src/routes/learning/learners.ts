/** Learners over REST: their organisation and stage (from the member service) and what learning records. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/learning/v1';
import { Type, type Static } from '@sinclair/typebox';
import { call, errorResponses, expectedRevision, updateMask } from '../common';
import type { LearningRouteOptions } from './clients';
import { codecs, MemberId, wordOf, words } from './schemas';

const LearnerBody = Type.Object(
  {
    memberId: Type.String(),
    organizationId: Type.String(),
    orgPath: Type.String(),
    stage: Type.String(),
    posts: Type.Array(Type.String()),
    cadreLevel: Type.String({ description: 'Empty: not a cadre' }),
    userId: Type.String({ description: 'The account the member signs in with' }),
    updatedAt: Type.String(),
    revision: Type.Integer(),
  },
  { $id: 'Learner' },
);

const UpdateBody = Type.Object(
  {
    posts: Type.Optional(Type.Array(words('post', '支部书记 branchSecretary, 支委委员 branchCommitteeMember'), { maxItems: 2 })),
    cadreLevel: Type.Optional(
      Type.Union([words('cadreLevel', '省部级, 厅局级, 县处级, 乡科级及以下'), Type.Literal('')], {
        description: 'The cadre level, or empty for none',
      }),
    ),
    userId: Type.Optional(Type.String({ maxLength: 100, description: 'The account the member signs in with' })),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);

function toLearnerBody(l: pb.Learner | undefined): Static<typeof LearnerBody> {
  if (!l) throw new Error('service answered without a learner');
  return {
    memberId: l.memberId,
    organizationId: l.organizationId,
    orgPath: l.orgPath,
    stage: l.stage,
    posts: l.posts.map((p) => wordOf(codecs.post, p)),
    cadreLevel: wordOf(codecs.cadreLevel, l.cadreLevel),
    userId: l.userId,
    updatedAt: l.updatedAt ?? '',
    revision: l.revision,
  };
}

const Params = Type.Object({ memberId: MemberId() }, { additionalProperties: false });

export const learnerRoutes: FastifyPluginAsyncTypebox<LearningRouteOptions> = async (app, { learning }) => {
  app.get(
    '/me/learner',
    { schema: { tags: ['learners'], summary: 'Your own learner record', response: { 200: LearnerBody, ...errorResponses } } },
    async (request) => toLearnerBody((await call(request, learning.learners, 'getLearner', { memberId: '' })).learner),
  );

  app.get(
    '/learners/:memberId',
    { schema: { tags: ['learners'], summary: 'A learner', params: Params, response: { 200: LearnerBody, ...errorResponses } } },
    async (request) => toLearnerBody((await call(request, learning.learners, 'getLearner', { memberId: request.params.memberId })).learner),
  );

  app.patch(
    '/learners/:memberId',
    {
      schema: {
        tags: ['learners'],
        summary: "Record a learner's posts, cadre level or account; fields left out keep their values",
        params: Params,
        body: UpdateBody,
        response: { 200: LearnerBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { learner } = await call(
        request,
        learning.learners,
        'updateLearner',
        pb.UpdateLearnerRequest.create({
          memberId: request.params.memberId,
          posts: (b.posts ?? []).map((p) => codecs.post.toProto(p)),
          cadreLevel: codecs.cadreLevel.toProto(b.cadreLevel || undefined),
          userId: b.userId ?? '',
          updateMask: updateMask(b),
          expectedRevision: b.expectedRevision ?? 0,
        }),
      );
      return toLearnerBody(learner);
    },
  );
};
