/** The audit log over gRPC: proto in, use case, proto out. */
import { defineService, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import type { AuditEntry } from '../domain/audit-entry';
import { auditPaging, type AuditUseCases, type CheckpointView } from '../audit/use-cases';
import { count } from './values';

export const auditServiceName = 'supervision.v1.AuditLogService';

function toProtoCheckpoint(checkpoint: CheckpointView['checkpoint']): pb.Checkpoint {
  return pb.Checkpoint.create({
    origin: checkpoint.origin,
    size: String(checkpoint.size),
    rootHash: checkpoint.root,
    note: checkpoint.fullNote,
    signedAt: checkpoint.signedAt,
    witnessed: checkpoint.witnessed,
  });
}

function toProtoEntry(entry: AuditEntry): pb.AuditEntry {
  return pb.AuditEntry.create({
    index: String(entry.index),
    eventId: entry.eventId,
    type: entry.type,
    actor: entry.actor,
    subjectId: entry.subjectId,
    orgPath: entry.orgPath,
    occurredAt: entry.occurredAt,
    loggedAt: entry.loggedAt,
    leaf: entry.leaf,
    leafHash: entry.leafHash,
  });
}

export function auditService(audit: AuditUseCases): ServiceRegistration {
  return defineService(auditServiceName, pb.AuditLogServiceService, {
    getCheckpoint: async (request, { caller }) => {
      const view = await audit.checkpoint(caller, request.witnessed);
      return { checkpoint: toProtoCheckpoint(view.checkpoint), logKey: view.logKey, witnessKey: view.witnessKey };
    },

    getConsistencyProof: async (request, { caller }) => ({
      hashes: await audit.consistency(caller, count(request.firstSize, 'firstSize'), count(request.secondSize, 'secondSize')),
    }),

    getInclusionProof: async (request, { caller }) => {
      const target = request.eventId ? { eventId: request.eventId } : { index: count(request.index, 'index') };
      const proof = await audit.inclusion(caller, target, count(request.treeSize, 'treeSize'));
      return {
        index: String(proof.index),
        treeSize: String(proof.treeSize),
        leafHash: proof.leafHash,
        hashes: proof.hashes,
        checkpoint: proof.checkpoint ? toProtoCheckpoint(proof.checkpoint) : undefined,
      };
    },

    listAuditEntries: async (request, { caller }) => {
      const page = await audit.list(caller, {
        ...(request.type ? { type: request.type } : {}),
        ...(request.actor ? { actor: request.actor } : {}),
        ...(request.subjectId ? { subjectId: request.subjectId } : {}),
        ...(request.orgPath ? { orgPath: request.orgPath } : {}),
        ...(request.occurredFrom ? { from: request.occurredFrom } : {}),
        ...(request.occurredTo ? { to: request.occurredTo } : {}),
        pageSize: request.pageSize || auditPaging.defaultSize,
        ...(request.pageToken ? { pageToken: request.pageToken } : {}),
      });
      return { entries: page.entries.map(toProtoEntry), nextPageToken: page.nextPageToken, logSize: String(page.logSize) };
    },

    getAuditEntry: async (request, { caller }) => ({ entry: toProtoEntry(await audit.get(caller, count(request.index, 'index'))) }),

    exportAuditEntries: async (request, { caller }) => {
      const exported = await audit.export(caller, count(request.start, 'start'), count(request.end, 'end'));
      return {
        origin: exported.origin,
        start: String(exported.start),
        end: String(exported.end),
        leftFrontier: exported.leftFrontier,
        entries: exported.entries.map((e) => pb.ExportedEntry.create({ index: String(e.index), leaf: e.leaf, leafHash: e.leafHash })),
        checkpoints: exported.checkpoints.map((c) => pb.SignedSize.create({ size: String(c.size), note: c.note })),
      };
    },
  });
}
