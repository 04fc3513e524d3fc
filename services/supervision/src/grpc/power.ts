/** Power lists over gRPC: proto in, use case, proto out. */
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import {
  editableParts,
  type ExecutionStatus,
  type PowerExecution,
  type PowerItemContent,
  type PowerItemKind,
  type ProcessStep,
} from '../domain/power-list';
import { powerPaging, type PowerItemView, type PowerUseCases } from '../power/use-cases';

export const powerServiceName = 'supervision.v1.PowerListService';

const { powerItemKindCodec: kinds, powerVersionStatusCodec: versionStatuses, powerExecutionStatusCodec: executionStatuses } = pb;

function contentFrom(content: pb.PowerItemContent | undefined): PowerItemContent {
  const c = content ?? pb.PowerItemContent.create();
  return {
    name: c.name,
    kind: (kinds.fromProto(c.kind) ?? '') as PowerItemKind,
    responsibleBody: c.responsibleBody,
    basis: c.basis.map((b) => ({ document: b.document, article: b.article })),
    process: c.process.map((s) => ({ name: s.name, actor: s.actor, timeLimitDays: s.timeLimitDays })),
    publicity: { content: c.publicity?.content ?? '', channel: c.publicity?.channel ?? '', timing: c.publicity?.timing ?? '' },
    accountability: c.accountability,
  };
}

const toProtoStep = (s: ProcessStep) => pb.ProcessStep.create(s);

function toProtoItem({ item, version }: PowerItemView): pb.PowerItem {
  const { content } = version;
  return pb.PowerItem.create({
    id: item.id,
    organizationId: item.organizationId,
    orgPath: item.orgPath,
    post: item.post,
    version: pb.PowerItemVersion.create({
      version: version.version,
      status: versionStatuses.toProto(version.status),
      content: pb.PowerItemContent.create({
        ...content,
        kind: kinds.toProto(content.kind),
        basis: content.basis.map((b) => pb.PowerBasis.create(b)),
        process: content.process.map(toProtoStep),
        publicity: pb.Publicity.create(content.publicity),
      }),
      createdBy: version.createdBy,
      createdAt: version.createdAt,
      publishedBy: version.publishedBy,
      publishedAt: version.publishedAt,
    }),
    publishedVersion: item.publishedVersion,
    versions: item.versions.map((v) =>
      pb.PowerVersionSummary.create({ version: v.version, status: versionStatuses.toProto(v.status), publishedAt: v.publishedAt }),
    ),
    revision: item.revision,
  });
}

function toProtoExecution({ execution, process }: { execution: PowerExecution; process: readonly ProcessStep[] }): pb.PowerExecution {
  return pb.PowerExecution.create({
    ...execution,
    status: executionStatuses.toProto(execution.status),
    steps: execution.steps.map((s) =>
      pb.RecordedStep.create({ ...s, withinLimit: s.withinLimit === null ? 'unknown' : s.withinLimit ? 'yes' : 'no' }),
    ),
    process: process.map(toProtoStep),
  });
}

export function powerService(power: PowerUseCases): ServiceRegistration {
  return defineService(powerServiceName, pb.PowerListServiceService, {
    createPowerItem: async (request, { caller }) => ({
      item: toProtoItem(
        await power.create(caller, { organizationId: request.organizationId, post: request.post, content: contentFrom(request.content) }),
      ),
    }),

    getPowerItem: async (request, { caller }) => ({ item: toProtoItem(await power.get(caller, request.id, request.version)) }),

    listPowerItems: async (request, { caller }) => {
      const page = pageOf(request, powerPaging);
      const kind = kinds.fromProto(request.kind) as PowerItemKind | undefined;
      const result = await power.list(caller, {
        ...page,
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
        ...(request.post ? { post: request.post } : {}),
        ...(kind ? { kind } : {}),
      });
      return { items: result.items.map(toProtoItem), page: pageAnswer(page, result.total) };
    },

    updatePowerItemDraft: async (request, { caller }) => {
      const parts = updateMaskOf(request.updateMask, editableParts);
      return {
        item: toProtoItem(await power.updateDraft(caller, request.id, parts, contentFrom(request.content), request.expectedRevision)),
      };
    },

    draftPowerItemVersion: async (request, { caller }) => ({ item: toProtoItem(await power.draftVersion(caller, request.id)) }),

    publishPowerItem: async (request, { caller }) => ({
      item: toProtoItem(await power.publish(caller, request.id, request.expectedRevision)),
    }),

    startPowerExecution: async (request, { caller }) => ({
      execution: toProtoExecution(
        await power.startExecution(caller, { itemId: request.itemId, title: request.title, startedAt: request.startedAt }),
      ),
    }),

    recordPowerStep: async (request, { caller }) => ({
      execution: toProtoExecution(
        await power.recordStep(
          caller,
          request.id,
          { actor: request.actor, date: request.date, note: request.note },
          request.expectedRevision,
        ),
      ),
    }),

    getPowerExecution: async (request, { caller }) => ({ execution: toProtoExecution(await power.getExecution(caller, request.id)) }),

    listPowerExecutions: async (request, { caller }) => {
      const page = pageOf(request, powerPaging);
      const status = executionStatuses.fromProto(request.status) as ExecutionStatus | undefined;
      const result = await power.listExecutions(caller, {
        ...page,
        ...(request.itemId ? { itemId: request.itemId } : {}),
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
        ...(status ? { status } : {}),
      });
      return { executions: result.items.map(toProtoExecution), page: pageAnswer(page, result.total) };
    },
  });
}
