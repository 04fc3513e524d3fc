import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@repo/bus';
import { ConfigError } from '@repo/config';
import { domainErrorOf } from '@repo/errors/testing';
import * as pb from '@repo/proto/supervision/v1';
import { testCallerKeys } from '@repo/testbed';
import { defaultRulesFile, loadConfig, loadWarningRules } from '../../src/config';
import { warningActions, warningId, warningStatuses, warningStep, type Warning } from '../../src/domain/warning';
import {
  arrearsRun,
  eventPeriod,
  eventTypesOf,
  fieldOf,
  isBurst,
  lastClosedPeriod,
  parseWarningRules,
  periodDays,
  severities,
  type RuleOf,
} from '../../src/domain/warning-rules';

const base = { title: 't', basis: 'b', severity: 'notice' };

describe('the rules file', () => {
  test('the shipped rules parse, each naming its basis', () => {
    const rules = loadWarningRules(defaultRulesFile);
    expect(rules.map((r) => r.kind).sort()).toEqual(
      expect.arrayContaining(['burst', 'duesArrears', 'event', 'influencePeriod', 'meetingFrequency']),
    );
    expect(rules.filter((r) => r.kind === 'duesArrears').map((r) => (r as RuleOf<'duesArrears'>).months)).toEqual([3, 4, 5, 6]);
    for (const rule of rules) expect(rule.basis).toMatch(/《.+》/);
  });

  test('a bad rule is refused naming the rule and the field', () => {
    expect(() => parseWarningRules({ rules: [{ ...base, id: 'dues-3', kind: 'duesArrears', months: 0 }] })).toThrow(
      /rule dues-3 months: Number must be greater than or equal to 1/,
    );
    expect(() => parseWarningRules({ rules: [{ ...base, id: 'x-event', kind: 'event', eventType: 'nonsense' }] })).toThrow(
      /rule x-event eventType: an event type/,
    );
    expect(() =>
      parseWarningRules({
        rules: [
          { ...base, id: 'twice', kind: 'duesArrears', months: 3 },
          { ...base, id: 'twice', kind: 'duesArrears', months: 4 },
        ],
      }),
    ).toThrow(/defined twice/);
    expect(() => parseWarningRules({ rules: [{ ...base, id: 'what', kind: 'sometimes' }] })).toThrow(/rule what kind/);
    expect(() => parseWarningRules({ rules: [] })).toThrow(/the file: Array must contain at least 1/);
  });

  test('the service will not start on a bad file, and says which variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        rules: [{ ...base, id: 'burst-x', kind: 'burst', eventType: 'member.member.nationalIdRevealed', count: 1, withinMinutes: 5 }],
      }),
    );
    const env = { CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem, WARNING_RULES_FILE: file };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/WARNING_RULES_FILE: rule burst-x count/);
    expect(() => loadConfig({ ...env, WARNING_RULES_FILE: join(dir, 'missing.json') })).toThrow(/WARNING_RULES_FILE: cannot read/);
  });
});

describe('rule arithmetic', () => {
  test('arrears: the run of unpaid months ending with the latest bill', () => {
    const bills = (months: [string, boolean][]) => months.map(([month, settled]) => ({ month, settled }));
    expect(
      arrearsRun(
        bills([
          ['2025-01', true],
          ['2025-02', false],
          ['2025-03', false],
          ['2025-04', false],
        ]),
      ),
    ).toEqual({ from: '2025-02', months: 3 });
    expect(
      arrearsRun(
        bills([
          ['2025-04', false],
          ['2025-02', false],
          ['2025-03', false],
        ]),
      ),
    ).toEqual({ from: '2025-02', months: 3 });
    expect(
      arrearsRun(
        bills([
          ['2025-02', false],
          ['2025-03', false],
          ['2025-04', true],
        ]),
      ),
    ).toBeUndefined();
    // A month never billed breaks the run.
    expect(
      arrearsRun(
        bills([
          ['2025-01', false],
          ['2025-03', false],
          ['2025-04', false],
        ]),
      ),
    ).toEqual({ from: '2025-03', months: 2 });
    expect(
      arrearsRun(
        bills([
          ['2024-11', false],
          ['2024-12', false],
          ['2025-01', false],
        ]),
      ),
    ).toEqual({ from: '2024-11', months: 3 });
  });

  test('periods: the last month or quarter closed by a day, and its days', () => {
    expect(lastClosedPeriod('month', '2026-01-03')).toBe('2025-12');
    expect(lastClosedPeriod('quarter', '2026-01-03')).toBe('2025-Q4');
    expect(lastClosedPeriod('quarter', '2026-03-31')).toBe('2025-Q4');
    expect(lastClosedPeriod('quarter', '2026-04-01')).toBe('2026-Q1');
    expect(periodDays('2026-Q1')).toEqual({ first: '2026-01-01', last: '2026-03-31' });
    expect(periodDays('2024-02')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
  });

  test('bursts: at least N within the last M minutes', () => {
    const at = '2026-12-01T08:10:00.000Z';
    const times = ['2026-12-01T08:00:30.000Z', '2026-12-01T08:05:00.000Z', '2026-12-01T08:09:00.000Z', at];
    expect(isBurst(times, at, 4, 10)).toBe(true);
    expect(isBurst(times, at, 4, 9)).toBe(false);
    expect(isBurst(times, at, 5, 10)).toBe(false);
  });

  test('event rules read their subject and period from the event', () => {
    const event = createEvent({
      type: 'learning.hours.behind',
      actor: 'system',
      orgPath: '/1/',
      subjectId: 'm-1',
      data: { quarter: '2026-Q3', memberId: 'm-1' },
      occurredAt: '2026-09-30T17:00:00.000Z',
    });
    const rule = (period: RuleOf<'event'>['period']) =>
      ({ ...base, id: 'r-one', kind: 'event', eventType: event.type, subject: 'subjectId', period }) as RuleOf<'event'>;
    expect(eventPeriod(rule('data.quarter'), event)).toBe('2026-Q3');
    // 17:00 UTC on 30 September is 1 October in the province.
    expect(eventPeriod(rule('day'), event)).toBe('2026-10-01');
    expect(eventPeriod(rule('quarter'), event)).toBe('2026-Q4');
    expect(eventPeriod(rule('event'), event)).toBe(event.id);
    expect(eventPeriod(rule('data.missing'), event)).toBe('');
    expect(fieldOf(event, 'data.memberId')).toBe('m-1');
    expect(eventTypesOf({ ...base, id: 'dues-x', kind: 'duesArrears', months: 3, severity: 'notice' })).toEqual([
      'member.dues.billed',
      'member.dues.paid',
    ]);
  });
});

describe('warnings', () => {
  const warning = { id: 'w', status: 'open', assignee: '' } as Warning;
  const by = (actor: string, assignee = '', note = '') => ({ actor, assignee, note, at: 'now' });

  test('vocabulary equals the contract’s', () => {
    expect([...warningStatuses]).toEqual(pb.warningStatusCodec.values);
    expect([...warningActions]).toEqual(pb.warningActionCodec.values);
    expect([...severities]).toEqual(pb.warningSeverityCodec.values);
  });

  test('open → assigned → acknowledged by the assignee → closed with a note', () => {
    expect(warningStep(warning, 'assign', by('inspector-1', 'secretary-7')).to).toBe('assigned');
    const assigned = { ...warning, status: 'assigned', assignee: 'secretary-7' } as Warning;
    expect(domainErrorOf(() => warningStep(assigned, 'acknowledge', by('secretary-8'))).code).toBe('WARNING_NOT_ASSIGNEE');
    expect(warningStep(assigned, 'acknowledge', by('secretary-7')).to).toBe('acknowledged');
    expect(warningStep(assigned, 'assign', by('inspector-1', 'secretary-8')).step.assignee).toBe('secretary-8');
    expect(domainErrorOf(() => warningStep(warning, 'acknowledge', by('secretary-7'))).code).toBe('WARNING_WORKFLOW_STEP');
    expect(domainErrorOf(() => warningStep(assigned, 'close', by('inspector-1'))).details).toEqual({
      note: 'is required: say what was done',
    });
    expect(domainErrorOf(() => warningStep(warning, 'assign', by('inspector-1'))).details).toHaveProperty('assignee');
    const closed = { ...warning, status: 'closed' } as Warning;
    expect(domainErrorOf(() => warningStep(closed, 'close', by('inspector-1', '', '已整改'))).code).toBe('WARNING_WORKFLOW_STEP');
  });

  test('a warning’s id is a UUID made of its rule, subject and period', () => {
    const id = warningId('dues-arrears-3', 'm-1', '2025-02');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(warningId('dues-arrears-3', 'm-1', '2025-02')).toBe(id);
    expect(warningId('dues-arrears-3', 'm-1', '2025-03')).not.toBe(id);
  });
});
