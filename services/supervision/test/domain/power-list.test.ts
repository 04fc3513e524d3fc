import { WorkingDays } from '@repo/calendar';
import { domainErrorOf } from '@repo/errors/testing';
import * as pb from '@repo/proto/supervision/v1';
import {
  newDraft,
  powerItemKinds,
  publishDraft,
  recordStep,
  validateContent,
  versionStatuses,
  executionStatuses,
  type PowerExecution,
  type PowerItem,
} from '../../src/domain/power-list';
import { fiveStepDecision } from '../fixtures/five-step-decision';

const calendar = WorkingDays.load();

const item = (versions: PowerItem['versions']): PowerItem => ({
  id: 'i',
  organizationId: 'o',
  orgPath: '/v/',
  post: '',
  versions,
  publishedVersion: versions.find((v) => v.status === 'published')?.version ?? 0,
  revision: 1,
});
const version = (n: number, status: 'draft' | 'published' | 'superseded') => ({
  version: n,
  status,
  content: fiveStepDecision,
  createdBy: 'a',
  createdAt: 't',
  publishedBy: '',
  publishedAt: '',
});

test('the vocabulary is the contract’s', () => {
  expect([...powerItemKinds]).toEqual(pb.powerItemKindCodec.values);
  expect([...versionStatuses]).toEqual(pb.powerVersionStatusCodec.values);
  expect([...executionStatuses]).toEqual(pb.powerExecutionStatusCodec.values);
});

test('an item has all six parts, and each bad one is named', () => {
  expect(validateContent(fiveStepDecision)).toBe(fiveStepDecision);
  const err = domainErrorOf(() =>
    validateContent({
      ...fiveStepDecision,
      name: '',
      basis: [],
      process: [{ name: '提议', actor: '', timeLimitDays: 0 }],
      publicity: { content: '', channel: 'x', timing: 'y' },
      accountability: '',
    }),
  );
  expect(Object.keys(err.details).sort()).toEqual([
    'accountability',
    'basis',
    'name',
    'process[0].actor',
    'process[0].timeLimitDays',
    'publicity.content',
  ]);
});

test('versions: one draft at a time, publishing keeps the replaced version as superseded', () => {
  const published = item([version(1, 'published')]);
  const draft = newDraft(published, 'b', 'now');
  expect(draft).toMatchObject({ version: 2, status: 'draft', content: fiveStepDecision });
  expect(domainErrorOf(() => newDraft(item([version(1, 'published'), draft]), 'b', 'now')).code).toBe('POWER_DRAFT_EXISTS');
  expect(publishDraft(item([version(1, 'published'), draft]), 'c', 'later').map((v) => [v.version, v.status])).toEqual([
    [1, 'superseded'],
    [2, 'published'],
  ]);
  expect(domainErrorOf(() => publishDraft(published, 'c', 'later')).code).toBe('POWER_NO_DRAFT');
});

describe('recording steps', () => {
  const execution = (steps: PowerExecution['steps'] = [], startedAt = '2025-09-30'): PowerExecution => ({
    id: 'e',
    itemId: 'i',
    version: 1,
    organizationId: 'o',
    orgPath: '/v/',
    title: 't',
    startedAt,
    status: 'inProgress',
    steps,
    createdBy: 'a',
    revision: 1,
  });
  const by = (actor: string, date: string) => ({ actor, date, note: '', recordedBy: 'secretary' });

  test('time limits count working days: the National Day holiday is not counted, its weekend working days are', () => {
    // 30 September 2025 to 9 October: 1-8 October are the holiday, the 9th is a working day.
    expect(recordStep(execution(), fiveStepDecision.process, by('村党组织', '2025-10-09'), '2026-12-01', calendar)).toMatchObject({
      index: 0,
      workingDays: 1,
      byExpectedActor: true,
      withinLimit: true,
    });
    // After 26 September up to 13 October: 28 (调休 Sunday), 29, 30 September, 9, 10, 11 (调休 Saturday) and 13 October.
    expect(
      recordStep(execution([], '2025-09-26'), fiveStepDecision.process, by('村党组织', '2025-10-13'), '2026-12-01', calendar),
    ).toMatchObject({ workingDays: 7, withinLimit: false });
  });

  test('a step by another actor is recorded and flagged; steps come in order, on or after the previous one', () => {
    const first = recordStep(execution(), fiveStepDecision.process, by('村委会主任', '2025-10-09'), '2026-12-01', calendar);
    expect(first).toMatchObject({ expectedActor: '村党组织', actor: '村委会主任', byExpectedActor: false });
    const second = recordStep(execution([first]), fiveStepDecision.process, by('村“两委”联席会议', '2025-10-10'), '2026-12-01', calendar);
    expect(second).toMatchObject({ index: 1, name: '村“两委”联席会议商议' });
    expect(
      domainErrorOf(() => recordStep(execution([first]), fiveStepDecision.process, by('x', '2025-10-08'), '2026-12-01', calendar)).details,
    ).toEqual({
      date: 'cannot be before 2025-10-09, when the previous step was',
    });
    expect(
      Object.keys(
        domainErrorOf(() => recordStep(execution(), fiveStepDecision.process, by('', '2027-01-01'), '2026-12-01', calendar)).details,
      ),
    ).toEqual(['actor', 'date']);
    expect(
      domainErrorOf(() =>
        recordStep({ ...execution(), status: 'completed' }, fiveStepDecision.process, by('x', '2025-10-10'), '2026-12-01', calendar),
      ).code,
    ).toBe('POWER_EXECUTION_COMPLETED');
  });

  test('a date the working-day calendar does not cover is recorded with its timing unknown', () => {
    expect(
      recordStep(execution([], '2024-12-30'), fiveStepDecision.process, by('村党组织', '2025-01-02'), '2026-12-01', calendar),
    ).toMatchObject({ workingDays: -1, withinLimit: null });
  });
});
