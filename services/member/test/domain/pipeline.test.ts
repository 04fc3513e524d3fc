import { addDays } from '@repo/calendar';
import {
  applyStageChange,
  earliestNextStep,
  extensionMonthsGranted,
  nextSteps,
  pipelineStages,
  probationEndsOn,
  stageStartedOn,
  startPipeline,
  type PipelineStage,
  type PipelineState,
  type StageChange,
} from '../../src/domain/pipeline';
import { domainErrorOf } from '@repo/errors/testing';

const today = '2027-12-31';
const record = { decisionRef: '申请书登记 2024-017', approvedBy: 'secretary-1' };

const failure = domainErrorOf;

const codeOf = (fn: () => unknown) => failure(fn).code;

function change(stage: PipelineStage, date: string, extra: Partial<StageChange> = {}): StageChange {
  return { stage, date, decisionRef: `支部决议 ${date}`, approvedBy: 'branch-7', ...extra };
}

const candidateExtras = { politicalReviewPassed: true, trainingHours: 24 };

// Applicant 2024-03-01, activist 2024-04-15, candidate 2025-04-15, probationary 2025-06-01.
const applicant = startPipeline('1990-05-10', '2024-03-01', record, today);
const activist = applyStageChange(applicant, change('activist', '2024-04-15'), today);
const candidate = applyStageChange(activist, change('candidate', '2025-04-15', candidateExtras), today);
const probationary = applyStageChange(
  candidate,
  change('probationary', '2025-06-01', { higherApprovalRef: '党委批复〔2025〕12号' }),
  today,
);

const stateAt: Record<Exclude<PipelineStage, 'full' | 'disqualified'>, PipelineState> = {
  applicant,
  activist,
  candidate,
  probationary,
};

describe('starting as applicant', () => {
  test('records the application as the first step', () => {
    expect(applicant).toEqual({
      birthDate: '1990-05-10',
      stage: 'applicant',
      history: [{ stage: 'applicant', date: '2024-03-01', ...record, recordedAt: today }],
      probationExtensions: 0,
    });
  });

  test('an applicant is at least 18 on the application date', () => {
    const err = failure(() => startPipeline('2008-06-15', '2026-06-14', record, today));
    expect(err.code).toBe('MEMBER_MIN_AGE');
    expect(err.kind).toBe('failedPrecondition');
    expect(err.details).toMatchObject({ age: '17', minAge: '18' });
    expect(err.message).toContain('2026-06-15');
    expect(startPipeline('2008-06-15', '2026-06-15', record, today).stage).toBe('applicant');
  });

  test('born on 29 February: 18 on 28 February of a common year', () => {
    expect(codeOf(() => startPipeline('2008-02-29', '2026-02-27', record, today))).toBe('MEMBER_MIN_AGE');
    expect(startPipeline('2008-02-29', '2026-02-28', record, today).stage).toBe('applicant');
  });

  test('a birth date after the application is under age, not a negative age', () => {
    expect(failure(() => startPipeline('2026-01-01', '2025-01-01', record, today)).details.age).toBe('0');
  });

  test('the application cannot be dated in the future', () => {
    expect(codeOf(() => startPipeline('1990-05-10', '2028-01-01', record, today))).toBe('MEMBER_STAGE_DATE');
    expect(startPipeline('1990-05-10', today, record, today).history[0]?.date).toBe(today);
  });

  test('malformed input names every bad field', () => {
    const err = failure(() => startPipeline('1990-02-30', '2024/03/01', { decisionRef: ' ', approvedBy: '' }, today));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.kind).toBe('invalidArgument');
    expect(Object.keys(err.details).sort()).toEqual(['applicationDate', 'approvedBy', 'birthDate', 'decisionRef']);
  });
});

describe('stage order', () => {
  const legal: [PipelineStage, PipelineStage][] = [
    ['applicant', 'activist'],
    ['activist', 'candidate'],
    ['candidate', 'probationary'],
    ['probationary', 'full'],
    ['probationary', 'probationary'],
    ['probationary', 'disqualified'],
  ];
  const illegal = Object.keys(stateAt).flatMap((from) =>
    pipelineStages.filter((to) => !legal.some(([f, t]) => f === from && t === to)).map((to) => [from as keyof typeof stateAt, to] as const),
  );

  test.each(illegal)('%s -> %s is out of order', (from, to) => {
    const err = failure(() => applyStageChange(stateAt[from], change(to, '2027-06-01', candidateExtras), today));
    expect(err.code).toBe('MEMBER_STAGE_ORDER');
    expect(err.kind).toBe('failedPrecondition');
    expect(err.details).toEqual({ from, to });
    expect(err.message).toContain(`from ${from} to ${to}`);
  });

  const full = applyStageChange(probationary, change('full', '2026-06-01'), today);
  const disqualified = applyStageChange(probationary, change('disqualified', '2025-06-02'), today);

  test.each(pipelineStages)('no step after full or disqualified (to %s)', (to) => {
    expect(codeOf(() => applyStageChange(full, change(to, '2027-06-01'), today))).toBe('MEMBER_STAGE_TERMINAL');
    expect(codeOf(() => applyStageChange(disqualified, change(to, '2027-06-01'), today))).toBe('MEMBER_STAGE_TERMINAL');
  });

  test('an unknown target stage is malformed input', () => {
    const err = failure(() => applyStageChange(applicant, change('member' as PipelineStage, '2024-04-15'), today));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toHaveProperty('stage');
  });
});

describe('step dates and records', () => {
  test('a step cannot be dated after today', () => {
    expect(codeOf(() => applyStageChange(applicant, change('activist', '2024-04-16'), '2024-04-15'))).toBe('MEMBER_STAGE_DATE');
    expect(applyStageChange(applicant, change('activist', '2024-04-15'), '2024-04-15').stage).toBe('activist');
  });

  test('a step cannot be dated before the previous step', () => {
    expect(codeOf(() => applyStageChange(applicant, change('activist', '2024-02-29'), today))).toBe('MEMBER_STAGE_DATE');
    expect(applyStageChange(applicant, change('activist', '2024-03-01'), today).stage).toBe('activist');
  });

  test('every step needs a decision, an approver and a real date', () => {
    const err = failure(() =>
      applyStageChange(applicant, { stage: 'activist', date: '2024-04-31', decisionRef: '  ', approvedBy: '' }, today),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(err.details).sort()).toEqual(['approvedBy', 'date', 'decisionRef']);
  });

  test('the step is recorded, trimmed, and the input state is left alone', () => {
    const frozen = Object.freeze({ ...applicant, history: Object.freeze([...applicant.history]) }) as PipelineState;
    const next = applyStageChange(
      frozen,
      { stage: 'activist', date: '2024-04-15', decisionRef: ' 支委会 2024-4 ', approvedBy: ' branch-7 ', note: ' 推荐 ' },
      '2024-04-20',
    );
    expect(frozen.stage).toBe('applicant');
    expect(frozen.history).toHaveLength(1);
    expect(next.history[1]).toEqual({
      stage: 'activist',
      date: '2024-04-15',
      decisionRef: '支委会 2024-4',
      approvedBy: 'branch-7',
      recordedAt: '2024-04-20',
      note: '推荐',
    });
  });
});

describe('activist to candidate', () => {
  test('at least one year as activist', () => {
    const err = failure(() => applyStageChange(activist, change('candidate', '2025-04-14', candidateExtras), today));
    expect(err.code).toBe('MEMBER_ACTIVIST_PERIOD');
    expect(err.details).toMatchObject({ activistSince: '2024-04-15', earliest: '2025-04-15' });
    expect(applyStageChange(activist, change('candidate', '2025-04-15', candidateExtras), today).stage).toBe('candidate');
  });

  test('an activist from 29 February may become candidate on 28 February next year', () => {
    const leap = applyStageChange(startPipeline('1990-05-10', '2024-01-10', record, today), change('activist', '2024-02-29'), today);
    expect(codeOf(() => applyStageChange(leap, change('candidate', '2025-02-27', candidateExtras), today))).toBe('MEMBER_ACTIVIST_PERIOD');
    expect(applyStageChange(leap, change('candidate', '2025-02-28', candidateExtras), today).stage).toBe('candidate');
  });

  test('a passed political review', () => {
    const at = '2025-05-01';
    expect(codeOf(() => applyStageChange(activist, change('candidate', at, { trainingHours: 30 }), today))).toBe('MEMBER_POLITICAL_REVIEW');
    expect(
      codeOf(() => applyStageChange(activist, change('candidate', at, { trainingHours: 30, politicalReviewPassed: false }), today)),
    ).toBe('MEMBER_POLITICAL_REVIEW');
  });

  test('at least 24 class hours of training', () => {
    const at = '2025-05-01';
    const err = failure(() =>
      applyStageChange(activist, change('candidate', at, { politicalReviewPassed: true, trainingHours: 23.5 }), today),
    );
    expect(err.code).toBe('MEMBER_TRAINING_HOURS');
    expect(err.details).toEqual({ trainingHours: '23.5', minTrainingHours: '24' });
    expect(codeOf(() => applyStageChange(activist, change('candidate', at, { politicalReviewPassed: true }), today))).toBe(
      'MEMBER_TRAINING_HOURS',
    );
    const next = applyStageChange(activist, change('candidate', at, { politicalReviewPassed: true, trainingHours: 24 }), today);
    expect(next.history[2]?.trainingHours).toBe(24);
  });

  test('negative training hours are malformed', () => {
    const err = failure(() =>
      applyStageChange(activist, change('candidate', '2025-05-01', { ...candidateExtras, trainingHours: -1 }), today),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toHaveProperty('trainingHours');
  });
});

describe('candidate to probationary', () => {
  test('needs the higher committee approval', () => {
    expect(codeOf(() => applyStageChange(candidate, change('probationary', '2025-06-01'), today))).toBe('MEMBER_HIGHER_APPROVAL');
    expect(codeOf(() => applyStageChange(candidate, change('probationary', '2025-06-01', { higherApprovalRef: ' ' }), today))).toBe(
      'MEMBER_HIGHER_APPROVAL',
    );
    expect(probationary.stage).toBe('probationary');
    expect(probationary.history[3]?.higherApprovalRef).toBe('党委批复〔2025〕12号');
  });

  test('needs the branch general meeting decision', () => {
    const err = failure(() =>
      applyStageChange(candidate, change('probationary', '2025-06-01', { higherApprovalRef: 'x', decisionRef: '' }), today),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toHaveProperty('decisionRef');
  });
});

describe('probation', () => {
  test('full membership after one year of probation', () => {
    const err = failure(() => applyStageChange(probationary, change('full', '2026-05-31'), today));
    expect(err.code).toBe('MEMBER_PROBATION_PERIOD');
    expect(err.details).toMatchObject({ probationSince: '2025-06-01', earliest: '2026-06-01' });
    expect(applyStageChange(probationary, change('full', '2026-06-01'), today).stage).toBe('full');
  });

  test('an extension is decided when the one-year probation ends, not before', () => {
    expect(codeOf(() => applyStageChange(probationary, change('probationary', '2026-05-31', { extensionMonths: 6 }), today))).toBe(
      'MEMBER_PROBATION_EXTENSION',
    );
    const extended = applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: 6 }), today);
    expect(extended.stage).toBe('probationary');
    expect(extended.probationExtensions).toBe(1);
    expect(extended.history[4]?.extensionMonths).toBe(6);
  });

  test('an extension moves the end of probation', () => {
    const extended = applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: 6 }), today);
    expect(probationEndsOn(extended)).toBe('2026-12-01');
    expect(extensionMonthsGranted(extended)).toBe(6);
    expect(stageStartedOn(extended)).toBe('2025-06-01');
    expect(codeOf(() => applyStageChange(extended, change('full', '2026-11-30'), today))).toBe('MEMBER_PROBATION_PERIOD');
    expect(applyStageChange(extended, change('full', '2026-12-01'), today).stage).toBe('full');
  });

  test('an extension is one to twelve months', () => {
    for (const months of [0, 13, -1]) {
      expect(codeOf(() => applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: months }), today))).toBe(
        'MEMBER_PROBATION_EXTENSION',
      );
    }
    expect(codeOf(() => applyStageChange(probationary, change('probationary', '2026-06-01'), today))).toBe('MEMBER_PROBATION_EXTENSION');
    for (const months of [1, 12]) {
      expect(
        applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: months }), today).probationExtensions,
      ).toBe(1);
    }
    const err = failure(() => applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: 1.5 }), today));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details).toHaveProperty('extensionMonths');
  });

  test('probation is extended at most once', () => {
    const extended = applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: 3 }), today);
    const err = failure(() => applyStageChange(extended, change('probationary', '2026-09-01', { extensionMonths: 3 }), today));
    expect(err.code).toBe('MEMBER_PROBATION_EXTENSION');
    expect(err.message).toContain('only once');
  });

  test('a probationary member may be disqualified at any time during probation', () => {
    expect(applyStageChange(probationary, change('disqualified', '2025-06-01'), today).stage).toBe('disqualified');
    const extended = applyStageChange(probationary, change('probationary', '2026-06-01', { extensionMonths: 12 }), today);
    expect(applyStageChange(extended, change('disqualified', '2027-03-01'), today).stage).toBe('disqualified');
    expect(codeOf(() => applyStageChange(probationary, change('disqualified', '2025-06-01', { decisionRef: '' }), today))).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('when the next step is allowed', () => {
  test('the date each stage began', () => {
    expect(stageStartedOn(applicant)).toBe('2024-03-01');
    expect(stageStartedOn(activist)).toBe('2024-04-15');
    expect(stageStartedOn(probationary)).toBe('2025-06-01');
  });

  test('the forward step and its first date', () => {
    expect(earliestNextStep(applicant)).toEqual({ stage: 'activist', earliest: '2024-03-01', requires: [] });
    expect(earliestNextStep(activist)).toEqual({
      stage: 'candidate',
      earliest: '2025-04-15',
      requires: ['politicalReview', 'trainingHours'],
    });
    expect(earliestNextStep(candidate)).toEqual({ stage: 'probationary', earliest: '2025-04-15', requires: ['higherApproval'] });
    expect(earliestNextStep(probationary)).toEqual({ stage: 'full', earliest: '2026-06-01', requires: [] });
  });

  test('every step open to a probationary member', () => {
    expect(nextSteps(probationary).map((s) => [s.stage, s.earliest])).toEqual([
      ['full', '2026-06-01'],
      ['probationary', '2026-06-01'],
      ['disqualified', '2025-06-01'],
    ]);
    const extended = applyStageChange(probationary, change('probationary', '2026-07-01', { extensionMonths: 6 }), today);
    expect(nextSteps(extended).map((s) => [s.stage, s.earliest])).toEqual([
      ['full', '2026-12-01'],
      ['disqualified', '2026-07-01'],
    ]);
  });

  test('the dates offered are accepted, and the day before is refused', () => {
    for (const state of [activist, probationary]) {
      const next = earliestNextStep(state);
      if (!next) throw new Error('expected a next step');
      const extras = { ...candidateExtras, higherApprovalRef: 'x' };
      expect(applyStageChange(state, change(next.stage, next.earliest, extras), today).stage).toBe(next.stage);
      expect(codeOf(() => applyStageChange(state, change(next.stage, addDays(next.earliest, -1), extras), today))).toMatch(
        /^MEMBER_(ACTIVIST|PROBATION)_PERIOD$/,
      );
    }
  });

  test('nothing after a terminal stage', () => {
    const full = applyStageChange(probationary, change('full', '2026-06-01'), today);
    expect(earliestNextStep(full)).toBeUndefined();
    expect(nextSteps(full)).toEqual([]);
    expect(probationEndsOn(full)).toBeUndefined();
  });
});
