/**
 * Documents: create, read, list, edit drafts, and take them through the editorial workflow.
 * Where the access rules (domain/access.ts) and the workflow (domain/document.ts) meet the store.
 */
import type { Caller } from '@repo/access';
import type { Page } from '@repo/db';
import { assertRevision } from '@repo/grpc';
import {
  assertChangeable,
  assertMay,
  assertVisible,
  ownerPathOf,
  unpublishedScope,
  visibleStatuses,
  workflowActionRights,
} from '../domain/access';
import {
  applyStep,
  assertEditable,
  documentEvents,
  validateFields,
  type ContentDocument,
  type DocumentFields,
  type DocumentKind,
  type DocumentStatus,
  type EditableField,
  type WorkflowAction,
} from '../domain/document';
import type { DocumentRepository } from '../store/documents';

export const documentPaging = { defaultSize: 20, maxSize: 100 } as const;

export interface DocumentListQuery {
  status?: DocumentStatus;
  kind?: DocumentKind;
  agency?: string;
  docType?: string;
  page: number;
  size: number;
}

export interface DocumentChange {
  /** The fields to set (the update mask); the others keep their values. */
  fields: EditableField[];
  values: DocumentFields;
  /** 0: whatever revision is current. */
  expectedRevision: number;
}

export class DocumentUseCases {
  constructor(private readonly documents: DocumentRepository) {}

  async create(caller: Caller, fields: DocumentFields): Promise<ContentDocument> {
    assertMay(caller, 'content.write');
    return this.documents.create(validateFields(fields), caller.userId, ownerPathOf(caller));
  }

  async get(caller: Caller, id: string): Promise<ContentDocument> {
    const document = await this.documents.read(id);
    assertVisible(caller, document);
    return document;
  }

  /** The public lists published documents; staff also their scope's other statuses. */
  async list(caller: Caller, query: DocumentListQuery): Promise<Page<ContentDocument>> {
    const allowed = visibleStatuses(caller);
    const statuses = query.status ? (allowed && !allowed.includes(query.status) ? [] : [query.status]) : allowed;
    return this.documents.list(
      {
        ...(statuses ? { statuses } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.agency ? { agency: query.agency } : {}),
        ...(query.docType ? { docType: query.docType } : {}),
        ...(allowed ? {} : { scope: { orgPath: unpublishedScope(caller)!, orPublished: true } }),
      },
      query.page,
      query.size,
    );
  }

  /** Only drafts change, and only in the author's scope. */
  async update(caller: Caller, id: string, change: DocumentChange): Promise<ContentDocument> {
    assertMay(caller, 'content.write');
    const current = await this.documents.get(id);
    assertVisible(caller, current);
    assertChangeable(caller, current);
    assertEditable(current);
    assertRevision(change.expectedRevision, current, 'document');
    const merged: DocumentFields = { ...current };
    for (const field of change.fields) (merged as unknown as Record<string, unknown>)[field] = change.values[field];
    return this.documents.update(current, validateFields(merged), change.fields, caller.userId);
  }

  async transition(caller: Caller, id: string, action: WorkflowAction, note: string): Promise<ContentDocument> {
    assertMay(caller, workflowActionRights[action]);
    const current = await this.documents.get(id);
    assertVisible(caller, current);
    assertChangeable(caller, current);
    const step = applyStep(current, action, caller.userId, new Date().toISOString(), note);
    return this.documents.recordStep(current, step, documentEvents[action]);
  }
}
