/**
 * Power lists: drafting and publishing items of an organisation or post (published versions are
 * public, every version stays readable), and recording their executions step by step.
 */
import { authorize, can, inCallerScope, isAnonymous, scopeOf, visible, type Caller } from '@repo/access';
import { isCalendarDate, provinceDate } from '@repo/calendar';
import type { Page } from '@repo/db';
import { notFound, validationFailed } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import {
  draftOf,
  newDraft,
  publishDraft,
  recordStep,
  validateContent,
  type EditablePart,
  type ExecutionStatus,
  type PowerExecution,
  type PowerItem,
  type PowerItemContent,
  type PowerItemKind,
  type PowerItemVersion,
  type WorkingDayCount,
} from '../domain/power-list';
import { powerEvents } from '../events/catalogue';
import type { OrganizationDirectory } from '../store/organizations';
import { executionMissing, itemMissing, type PowerRepository } from '../store/power';

export const powerPaging = { defaultSize: 20, maxSize: 100 } as const;

const today = () => provinceDate(new Date());
const organizationMissing = (id: string) => notFound('ORGANIZATION_NOT_FOUND', `organisation ${id} not found`, { organizationId: id });

/** An item as a caller reads it: one of its versions. */
export interface PowerItemView {
  item: PowerItem;
  version: PowerItemVersion;
}

export class PowerUseCases {
  constructor(
    private readonly power: PowerRepository,
    private readonly organizations: OrganizationDirectory,
    private readonly calendar: WorkingDayCount,
  ) {}

  private writes(caller: Caller, item: Pick<PowerItem, 'orgPath'>): boolean {
    return !isAnonymous(caller) && can(caller.roles, 'power.write') && inCallerScope(caller, item.orgPath);
  }

  async create(caller: Caller, input: { organizationId: string; post: string; content: PowerItemContent }): Promise<PowerItemView> {
    authorize(caller, 'power.write');
    const organization = input.organizationId ? await this.organizations.get(input.organizationId) : undefined;
    if (!organization || !inCallerScope(caller, organization.path)) throw organizationMissing(input.organizationId);
    if (input.post.length > 100) throw validationFailed([{ field: 'post', problem: 'at most 100 characters' }]);
    const first: PowerItemVersion = {
      version: 1,
      status: 'draft',
      content: validateContent(input.content),
      createdBy: caller.userId,
      createdAt: new Date().toISOString(),
      publishedBy: '',
      publishedAt: '',
    };
    const item = await this.power.createItem({
      organizationId: organization.id,
      orgPath: organization.path,
      post: input.post.trim(),
      first,
    });
    return { item, version: first };
  }

  /**
   * One version of an item: the one in force by default. Published and superseded versions are
   * public; drafts are for those who write the organisation's list.
   */
  async get(caller: Caller, id: string, version: number): Promise<PowerItemView> {
    authorize(caller, 'power.read');
    const item = await this.power.item(id);
    if (!item) throw itemMissing(id);
    const writer = this.writes(caller, item);
    const wanted = version || item.publishedVersion || (writer ? item.versions[item.versions.length - 1]!.version : 0);
    const found = item.versions.find((v) => v.version === wanted);
    if (!found || (found.status === 'draft' && !writer)) {
      if (!item.publishedVersion && !writer) throw itemMissing(id);
      throw notFound('POWER_VERSION_NOT_FOUND', `item ${id} has no version ${version}`, { id, version: String(version) });
    }
    return { item, version: found };
  }

  async list(
    caller: Caller,
    query: { organizationId?: string; post?: string; kind?: PowerItemKind; page: number; size: number },
  ): Promise<Page<PowerItemView>> {
    authorize(caller, 'power.read');
    let scope = '/';
    if (query.organizationId) {
      const organization = await this.organizations.get(query.organizationId);
      if (!organization) throw organizationMissing(query.organizationId);
      scope = organization.path;
    }
    // Writers see their scope's drafts too; everyone sees what is published anywhere.
    const writer = !isAnonymous(caller) && can(caller.roles, 'power.write');
    const published = await this.power.listItems(
      { scope, ...(query.post ? { post: query.post } : {}), ...(query.kind ? { kind: query.kind } : {}), unpublishedToo: false },
      1,
      Number.MAX_SAFE_INTEGER,
    );
    let items = published.items;
    if (writer) {
      const own = await this.power.listItems(
        {
          scope: inCallerScope(caller, scope) ? scope : scopeOf(caller),
          ...(query.post ? { post: query.post } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
          unpublishedToo: true,
        },
        1,
        Number.MAX_SAFE_INTEGER,
      );
      items = [...new Map([...items, ...own.items.filter((i) => i.orgPath.startsWith(scope))].map((i) => [i.id, i])).values()];
    }
    const views = items
      .map((item) => ({
        item,
        version: item.versions.find((v) => v.version === item.publishedVersion) ?? item.versions[item.versions.length - 1]!,
      }))
      .sort((a, b) =>
        a.item.orgPath < b.item.orgPath
          ? -1
          : a.item.orgPath > b.item.orgPath
            ? 1
            : a.version.content.name < b.version.content.name
              ? -1
              : 1,
      );
    return { items: views.slice((query.page - 1) * query.size, query.page * query.size), total: views.length };
  }

  private async forWriting(caller: Caller, id: string, action: 'power.write' | 'power.publish'): Promise<PowerItem> {
    authorize(caller, action);
    return visible(
      caller,
      await this.power.item(id),
      (i) => i.orgPath,
      () => itemMissing(id),
    );
  }

  async updateDraft(
    caller: Caller,
    id: string,
    parts: EditablePart[],
    values: PowerItemContent,
    expectedRevision: number,
  ): Promise<PowerItemView> {
    const item = await this.forWriting(caller, id, 'power.write');
    assertRevision(expectedRevision, item, 'power list item');
    const draft = draftOf(item);
    if (!draft) throw validationFailed([{ field: 'id', problem: `item ${id} has no draft: start a new version first` }]);
    const content = { ...draft.content } as unknown as Record<string, unknown>;
    for (const part of parts) content[part] = values[part];
    const changed = { ...draft, content: validateContent(content as unknown as PowerItemContent) };
    const saved = await this.power.saveVersions(
      item,
      item.versions.map((v) => (v.version === draft.version ? changed : v)),
      {
        type: powerEvents.updated,
        actor: caller.userId,
        data: { version: draft.version, changed: parts },
      },
    );
    return { item: saved, version: changed };
  }

  async draftVersion(caller: Caller, id: string): Promise<PowerItemView> {
    const item = await this.forWriting(caller, id, 'power.write');
    const draft = newDraft(item, caller.userId, new Date().toISOString());
    const saved = await this.power.saveVersions(item, [...item.versions, draft], {
      type: powerEvents.drafted,
      actor: caller.userId,
      data: { version: draft.version, from: item.publishedVersion },
    });
    return { item: saved, version: draft };
  }

  async publish(caller: Caller, id: string, expectedRevision: number): Promise<PowerItemView> {
    const item = await this.forWriting(caller, id, 'power.publish');
    assertRevision(expectedRevision, item, 'power list item');
    const versions = publishDraft(item, caller.userId, new Date().toISOString());
    const published = versions.find((v) => v.status === 'published')!;
    const saved = await this.power.saveVersions(item, versions, {
      type: powerEvents.published,
      actor: caller.userId,
      data: { version: published.version, replaces: item.publishedVersion, name: published.content.name },
    });
    return { item: saved, version: published };
  }

  async startExecution(
    caller: Caller,
    input: { itemId: string; title: string; startedAt: string },
  ): Promise<{ execution: PowerExecution; process: PowerItemVersion['content']['process'] }> {
    authorize(caller, 'power.execute');
    const item = visible(
      caller,
      await this.power.item(input.itemId),
      (i) => i.orgPath,
      () => itemMissing(input.itemId),
    );
    if (!item.publishedVersion) throw validationFailed([{ field: 'itemId', problem: 'the item has no published version to execute' }]);
    const violations = [];
    if (!input.title.trim() || input.title.length > 200)
      violations.push({ field: 'title', problem: 'is required, at most 200 characters' });
    if (!isCalendarDate(input.startedAt)) violations.push({ field: 'startedAt', problem: 'must be a date YYYY-MM-DD' });
    else if (input.startedAt > today()) violations.push({ field: 'startedAt', problem: 'cannot be in the future' });
    if (violations.length) throw validationFailed(violations);
    const version = item.versions.find((v) => v.version === item.publishedVersion)!;
    const execution = await this.power.startExecution({
      itemId: item.id,
      version: version.version,
      organizationId: item.organizationId,
      orgPath: item.orgPath,
      title: input.title.trim(),
      startedAt: input.startedAt,
      createdBy: caller.userId,
    });
    return { execution, process: version.content.process };
  }

  private async processOf(execution: PowerExecution) {
    const item = (await this.power.item(execution.itemId))!;
    return item.versions.find((v) => v.version === execution.version)!.content.process;
  }

  async recordStep(caller: Caller, id: string, input: { actor: string; date: string; note: string }, expectedRevision: number) {
    authorize(caller, 'power.execute');
    const execution = visible(
      caller,
      await this.power.execution(id),
      (e) => e.orgPath,
      () => executionMissing(id),
    );
    assertRevision(expectedRevision, execution, 'execution');
    const process = await this.processOf(execution);
    const step = recordStep(execution, process, { ...input, recordedBy: caller.userId }, today(), this.calendar);
    return { execution: await this.power.addStep(execution, step, step.index === process.length - 1), process };
  }

  async getExecution(caller: Caller, id: string) {
    authorize(caller, 'power.readExecutions');
    const execution = visible(
      caller,
      await this.power.execution(id),
      (e) => e.orgPath,
      () => executionMissing(id),
    );
    return { execution, process: await this.processOf(execution) };
  }

  async listExecutions(
    caller: Caller,
    query: { itemId?: string; organizationId?: string; status?: ExecutionStatus; page: number; size: number },
  ) {
    authorize(caller, 'power.readExecutions');
    let scope = scopeOf(caller);
    if (query.organizationId) {
      const organization = await this.organizations.get(query.organizationId);
      if (!organization || !inCallerScope(caller, organization.path)) throw organizationMissing(query.organizationId);
      scope = organization.path;
    }
    const page = await this.power.listExecutions(
      { scope, ...(query.itemId ? { itemId: query.itemId } : {}), ...(query.status ? { status: query.status } : {}) },
      query.page,
      query.size,
    );
    const withProcess = [];
    for (const execution of page.items) withProcess.push({ execution, process: await this.processOf(execution) });
    return { items: withProcess, total: page.total };
  }
}
