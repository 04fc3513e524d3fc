/**
 * Power lists (权力清单): what an organisation or a post may decide, each item in the six parts
 * used since the first village list (宁海 "36条", 2014) — name 事项名称, responsible body 实施责任
 * 主体, basis 来源依据, process 运行流程 (steps, each with who acts and a time limit in working
 * days), publicity 公开公示, accountability 责任追究. Items are versioned: publishing a new version
 * keeps the old one readable. Executions of an item are recorded step by step against the version
 * in force when they began; a step by another than the step's actor, or past its time limit, is
 * recorded as it happened and flagged, which the warning rules turn into a warning.
 */
import { isCalendarDate } from '@repo/calendar';
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';

export const powerItemKinds = ['publicPower', 'publicService'] as const;
export type PowerItemKind = (typeof powerItemKinds)[number];
export const versionStatuses = ['draft', 'published', 'superseded'] as const;
export type VersionStatus = (typeof versionStatuses)[number];

export interface ProcessStep {
  name: string;
  /** Who acts: a body or post, e.g. 村党组织, 村民代表会议. */
  actor: string;
  /** Working days allowed after the previous step (or the start). */
  timeLimitDays: number;
}

export interface PowerItemContent {
  /** 事项名称 */
  name: string;
  kind: PowerItemKind;
  /** 实施责任主体 */
  responsibleBody: string;
  /** 来源依据: the rules and articles. */
  basis: { document: string; article: string }[];
  /** 运行流程 */
  process: ProcessStep[];
  /** 公开公示: what is made public, where, and when. */
  publicity: { content: string; channel: string; timing: string };
  /** 责任追究 */
  accountability: string;
}

export interface PowerItemVersion {
  version: number;
  status: VersionStatus;
  content: PowerItemContent;
  createdBy: string;
  createdAt: string;
  publishedBy: string;
  publishedAt: string;
}

export interface PowerItem {
  id: string;
  organizationId: string;
  orgPath: string;
  /** The post (岗位) it belongs to, when not the whole organisation's. */
  post: string;
  versions: PowerItemVersion[];
  /** The version in force; 0 before the first is published. */
  publishedVersion: number;
  revision: number;
}

export const powerLimits = { name: 100, text: 2_000, short: 200, basis: 20, steps: 30, stepLimitDays: 365 } as const;

/** The parts of a version a draft may change (update mask names). */
export const editableParts = ['name', 'kind', 'responsibleBody', 'basis', 'process', 'publicity', 'accountability'] as const;
export type EditablePart = (typeof editableParts)[number];

export function validateContent(content: PowerItemContent): PowerItemContent {
  const v: FieldViolation[] = [];
  const text = (field: string, value: string, max: number, required = true) => {
    if (required && !value.trim()) v.push({ field, problem: 'is required' });
    else if (value.length > max) v.push({ field, problem: `at most ${max} characters` });
  };
  text('name', content.name, powerLimits.name);
  if (!powerItemKinds.includes(content.kind)) v.push({ field: 'kind', problem: `must be one of ${powerItemKinds.join(', ')}` });
  text('responsibleBody', content.responsibleBody, powerLimits.short);
  if (content.basis.length === 0 || content.basis.length > powerLimits.basis)
    v.push({ field: 'basis', problem: `must name 1 to ${powerLimits.basis} rules` });
  content.basis.forEach((b, i) => {
    text(`basis[${i}].document`, b.document, powerLimits.short);
    text(`basis[${i}].article`, b.article, powerLimits.short, false);
  });
  if (content.process.length === 0 || content.process.length > powerLimits.steps)
    v.push({ field: 'process', problem: `must have 1 to ${powerLimits.steps} steps` });
  content.process.forEach((s, i) => {
    text(`process[${i}].name`, s.name, powerLimits.name);
    text(`process[${i}].actor`, s.actor, powerLimits.name);
    if (!Number.isInteger(s.timeLimitDays) || s.timeLimitDays < 1 || s.timeLimitDays > powerLimits.stepLimitDays) {
      v.push({
        field: `process[${i}].timeLimitDays`,
        problem: `must be a whole number of working days from 1 to ${powerLimits.stepLimitDays}`,
      });
    }
  });
  text('publicity.content', content.publicity.content, powerLimits.text);
  text('publicity.channel', content.publicity.channel, powerLimits.short);
  text('publicity.timing', content.publicity.timing, powerLimits.short);
  text('accountability', content.accountability, powerLimits.text);
  if (v.length) throw validationFailed(v);
  return content;
}

export const latestVersion = (item: PowerItem) => item.versions[item.versions.length - 1]!;
export const draftOf = (item: PowerItem) => item.versions.find((v) => v.status === 'draft');

/** A new draft from the version in force; one draft at a time. */
export function newDraft(item: PowerItem, actor: string, at: string): PowerItemVersion {
  if (draftOf(item))
    throw failedPrecondition(
      'POWER_DRAFT_EXISTS',
      `item ${item.id} has a draft already (version ${draftOf(item)!.version}); change or publish it`,
      { id: item.id },
    );
  const published = item.versions.find((v) => v.version === item.publishedVersion)!;
  return {
    version: latestVersion(item).version + 1,
    status: 'draft',
    content: published.content,
    createdBy: actor,
    createdAt: at,
    publishedBy: '',
    publishedAt: '',
  };
}

/** The item with its draft published and the version it replaces kept, superseded. */
export function publishDraft(item: PowerItem, actor: string, at: string): PowerItemVersion[] {
  const draft = draftOf(item);
  if (!draft) throw failedPrecondition('POWER_NO_DRAFT', `item ${item.id} has no draft to publish`, { id: item.id });
  return item.versions.map((v) =>
    v.version === draft.version
      ? { ...v, status: 'published', publishedBy: actor, publishedAt: at }
      : v.status === 'published'
        ? { ...v, status: 'superseded' }
        : v,
  );
}

export const executionStatuses = ['inProgress', 'completed'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export interface RecordedStep {
  index: number;
  name: string;
  expectedActor: string;
  actor: string;
  recordedBy: string;
  date: string;
  note: string;
  /** Working days since the previous step (or the start); -1 when the calendar does not cover the dates. */
  workingDays: number;
  timeLimitDays: number;
  byExpectedActor: boolean;
  /** true, false, or null when the calendar could not tell. */
  withinLimit: boolean | null;
}

export interface PowerExecution {
  id: string;
  itemId: string;
  version: number;
  organizationId: string;
  orgPath: string;
  title: string;
  startedAt: string;
  status: ExecutionStatus;
  steps: RecordedStep[];
  createdBy: string;
  revision: number;
}

/** Counts working days after one date up to another; throws when a date's year is not covered. */
export interface WorkingDayCount {
  workingDaysBetween(from: string, to: string): number;
}

/**
 * The next step of an execution, as it happened: steps come in the item's order, on or after the
 * previous one, never in the future. Who acted and how long it took are compared with the step.
 */
export function recordStep(
  execution: PowerExecution,
  process: readonly ProcessStep[],
  input: { actor: string; date: string; note: string; recordedBy: string },
  today: string,
  calendar: WorkingDayCount,
): RecordedStep {
  if (execution.status === 'completed')
    throw failedPrecondition('POWER_EXECUTION_COMPLETED', `execution ${execution.id} has recorded all ${process.length} steps`, {
      id: execution.id,
    });
  const v: FieldViolation[] = [];
  const previous = execution.steps[execution.steps.length - 1]?.date ?? execution.startedAt;
  if (!input.actor.trim() || input.actor.length > powerLimits.name)
    v.push({ field: 'actor', problem: `is required, at most ${powerLimits.name} characters` });
  if (!isCalendarDate(input.date)) v.push({ field: 'date', problem: 'must be a date YYYY-MM-DD' });
  else if (input.date > today) v.push({ field: 'date', problem: 'cannot be in the future' });
  else if (input.date < previous) v.push({ field: 'date', problem: `cannot be before ${previous}, when the previous step was` });
  if (input.note.length > powerLimits.text) v.push({ field: 'note', problem: `at most ${powerLimits.text} characters` });
  if (v.length) throw validationFailed(v);
  const index = execution.steps.length;
  const step = process[index]!;
  let workingDays = -1;
  try {
    workingDays = calendar.workingDaysBetween(previous, input.date);
  } catch {
    // A year the calendar does not hold: the step is recorded, its timing left undecided.
  }
  return {
    index,
    name: step.name,
    expectedActor: step.actor,
    actor: input.actor.trim(),
    recordedBy: input.recordedBy,
    date: input.date,
    note: input.note.trim(),
    workingDays,
    timeLimitDays: step.timeLimitDays,
    byExpectedActor: input.actor.trim() === step.actor,
    withinLimit: workingDays < 0 ? null : workingDays <= step.timeLimitDays,
  };
}
