/**
 * Development pipeline 党员发展: applicant 入党申请人 -> activist 入党积极分子 -> candidate 发展对象
 * -> probationary 预备党员 -> full 正式党员 (or disqualified 取消预备党员资格).
 * Every step is recorded with its date, the decision it rests on and who approved it.
 * Pure rules: no I/O; "today" is always passed in.
 */
import { failedPrecondition, validationFailed, type FieldViolation } from '@repo/errors';
import { addMonths, addYears, ageOn, isCalendarDate } from '@repo/calendar';

export const pipelineStages = ['applicant', 'activist', 'candidate', 'probationary', 'full', 'disqualified'] as const;
export type PipelineStage = (typeof pipelineStages)[number];

/** Stages with no way out. */
export const terminalStages: readonly PipelineStage[] = ['full', 'disqualified'];

export const pipelineRules = {
  minAgeYears: 18,
  /** At least one year as activist before becoming a candidate. */
  activistPeriodMonths: 12,
  /** At least 3 days / 24 class hours (学时) of training before becoming a candidate. */
  minTrainingHours: 24,
  probationMonths: 12,
  /** Probation may be extended once, by one to twelve months. */
  maxProbationExtensions: 1,
  maxExtensionMonths: 12,
} as const;

export interface PipelineStep {
  stage: PipelineStage;
  /** Date of the decision, YYYY-MM-DD. */
  date: string;
  /** The decision this step rests on: branch meeting minutes, resolution or application number. */
  decisionRef: string;
  approvedBy: string;
  /** The day the step was entered (may be later than `date`). */
  recordedAt: string;
  note?: string;
  /** Only on a probation extension: by how many months. */
  extensionMonths?: number;
  /** Only on the step to candidate: class hours of training completed. */
  trainingHours?: number;
  /** Only on the step to probationary: the higher committee's approval. */
  higherApprovalRef?: string;
}

export interface PipelineState {
  birthDate: string;
  stage: PipelineStage;
  /** Oldest first; never empty once the pipeline has started. */
  history: PipelineStep[];
  probationExtensions: number;
}

export interface StageChange {
  /** The target stage; 'probationary' while already probationary is an extension. */
  stage: PipelineStage;
  date: string;
  decisionRef: string;
  approvedBy: string;
  trainingHours?: number;
  politicalReviewPassed?: boolean;
  higherApprovalRef?: string;
  extensionMonths?: number;
  note?: string;
}

export interface ApplicationRecord {
  /** Reference of the written application 入党申请书 as registered by the branch. */
  decisionRef: string;
  /** Who received the application for the branch. */
  approvedBy: string;
  note?: string;
}

/** The only moves the rules allow; anything else is MEMBER_STAGE_ORDER. */
const allowedMoves: Record<PipelineStage, readonly PipelineStage[]> = {
  applicant: ['activist'],
  activist: ['candidate'],
  candidate: ['probationary'],
  probationary: ['full', 'probationary', 'disqualified'],
  full: [],
  disqualified: [],
};

function describeMoves(from: PipelineStage): string {
  const moves = allowedMoves[from].map((to) => (to === from ? `${to} (extension)` : to));
  return moves.length > 1 ? `${moves.slice(0, -1).join(', ')} or ${moves[moves.length - 1]}` : (moves[0] ?? 'nothing');
}

function checkRecord(violations: FieldViolation[], record: { decisionRef: unknown; approvedBy: unknown; note?: unknown }): void {
  if (typeof record.decisionRef !== 'string' || record.decisionRef.trim() === '') {
    violations.push({ field: 'decisionRef', problem: 'is required' });
  }
  if (typeof record.approvedBy !== 'string' || record.approvedBy.trim() === '') {
    violations.push({ field: 'approvedBy', problem: 'is required' });
  }
  if (record.note !== undefined && typeof record.note !== 'string') {
    violations.push({ field: 'note', problem: 'must be text' });
  }
}

function checkDate(violations: FieldViolation[], field: string, value: unknown): void {
  if (!isCalendarDate(value)) violations.push({ field, problem: 'must be a calendar date YYYY-MM-DD' });
}

function trimmedNote(note: string | undefined): { note?: string } {
  const trimmed = note?.trim();
  return trimmed ? { note: trimmed } : {};
}

/**
 * Starts a pipeline with the written application. The applicant must be at least 18 on the day
 * of the application (MEMBER_MIN_AGE).
 */
export function startPipeline(birthDate: string, applicationDate: string, record: ApplicationRecord, today: string): PipelineState {
  const violations: FieldViolation[] = [];
  checkDate(violations, 'birthDate', birthDate);
  checkDate(violations, 'applicationDate', applicationDate);
  checkDate(violations, 'today', today);
  checkRecord(violations, record);
  if (violations.length > 0) throw validationFailed(violations);

  if (applicationDate > today) {
    throw failedPrecondition('MEMBER_STAGE_DATE', `the application date ${applicationDate} is in the future`, {
      date: applicationDate,
      today,
    });
  }
  const age = birthDate > applicationDate ? 0 : ageOn(birthDate, applicationDate);
  if (age < pipelineRules.minAgeYears) {
    throw failedPrecondition(
      'MEMBER_MIN_AGE',
      `an applicant must be at least ${pipelineRules.minAgeYears} on the application date; ` +
        `born ${birthDate}, ${age} on ${applicationDate} (18 from ${addYears(birthDate, pipelineRules.minAgeYears)})`,
      { birthDate, date: applicationDate, age: String(age), minAge: String(pipelineRules.minAgeYears) },
    );
  }
  return {
    birthDate,
    stage: 'applicant',
    history: [
      {
        stage: 'applicant',
        date: applicationDate,
        decisionRef: record.decisionRef.trim(),
        approvedBy: record.approvedBy.trim(),
        recordedAt: today,
        ...trimmedNote(record.note),
      },
    ],
    probationExtensions: 0,
  };
}

/** The trailing steps of the current stage: its start, then any extension. */
function currentStageSteps(state: PipelineState): PipelineStep[] {
  let i = state.history.length;
  while (i > 0 && state.history[i - 1]?.stage === state.stage) i -= 1;
  return state.history.slice(i);
}

/** The date the current stage began (an extension does not restart probation). */
export function stageStartedOn(state: PipelineState): string {
  const first = currentStageSteps(state)[0];
  if (!first) throw new RangeError(`pipeline history does not end in its stage ${state.stage}`);
  return first.date;
}

function lastStepDate(state: PipelineState): string {
  const last = state.history[state.history.length - 1];
  if (!last) throw new RangeError('pipeline has no history');
  return last.date;
}

/** Months of probation extension granted so far (0 unless probationary). */
export function extensionMonthsGranted(state: PipelineState): number {
  if (state.stage !== 'probationary') return 0;
  return currentStageSteps(state).reduce((sum, s) => sum + (s.extensionMonths ?? 0), 0);
}

/** The end of the one-year probation, without any extension. */
function regularProbationEnd(state: PipelineState): string {
  return addMonths(stageStartedOn(state), pipelineRules.probationMonths);
}

/** The first day a probationary member may become full: start + 1 year + any extension. */
export function probationEndsOn(state: PipelineState): string | undefined {
  if (state.stage !== 'probationary') return undefined;
  return addMonths(stageStartedOn(state), pipelineRules.probationMonths + extensionMonthsGranted(state));
}

export interface NextStep {
  stage: PipelineStage;
  /** First date the step may be dated. */
  earliest: string;
  /** What the change must carry besides the date and the decision. */
  requires: ('politicalReview' | 'trainingHours' | 'higherApproval' | 'extensionMonths')[];
  /** True for a probation extension (target 'probationary' while probationary). */
  extension?: true;
}

/** Every step allowed from the current stage, with the first date each may be taken. */
export function nextSteps(state: PipelineState): NextStep[] {
  const since = lastStepDate(state);
  switch (state.stage) {
    case 'applicant':
      return [{ stage: 'activist', earliest: since, requires: [] }];
    case 'activist':
      return [
        {
          stage: 'candidate',
          earliest: addMonths(stageStartedOn(state), pipelineRules.activistPeriodMonths),
          requires: ['politicalReview', 'trainingHours'],
        },
      ];
    case 'candidate':
      return [{ stage: 'probationary', earliest: since, requires: ['higherApproval'] }];
    case 'probationary': {
      const steps: NextStep[] = [{ stage: 'full', earliest: maxDate(probationEndsOn(state) ?? since, since), requires: [] }];
      if (state.probationExtensions < pipelineRules.maxProbationExtensions) {
        steps.push({
          stage: 'probationary',
          earliest: maxDate(regularProbationEnd(state), since),
          requires: ['extensionMonths'],
          extension: true,
        });
      }
      steps.push({ stage: 'disqualified', earliest: since, requires: [] });
      return steps;
    }
    case 'full':
    case 'disqualified':
      return [];
  }
}

/** The forward step and its first date, e.g. candidate from 2027-03-01; undefined when terminal. */
export function earliestNextStep(state: PipelineState): NextStep | undefined {
  return nextSteps(state)[0];
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

function validateChange(change: StageChange, today: string): void {
  const violations: FieldViolation[] = [];
  if (!pipelineStages.includes(change.stage)) {
    violations.push({ field: 'stage', problem: `must be one of ${pipelineStages.join(', ')}` });
  }
  checkDate(violations, 'date', change.date);
  checkDate(violations, 'today', today);
  checkRecord(violations, change);
  if (change.trainingHours !== undefined && !(Number.isFinite(change.trainingHours) && change.trainingHours >= 0)) {
    violations.push({ field: 'trainingHours', problem: 'must be a number of class hours, 0 or more' });
  }
  if (change.extensionMonths !== undefined && !Number.isInteger(change.extensionMonths)) {
    violations.push({ field: 'extensionMonths', problem: 'must be a whole number of months' });
  }
  if (change.higherApprovalRef !== undefined && typeof change.higherApprovalRef !== 'string') {
    violations.push({ field: 'higherApprovalRef', problem: 'must be text' });
  }
  if (violations.length > 0) throw validationFailed(violations);
}

/**
 * Applies one step of the pipeline and returns the new state (the input is not changed), or
 * throws a DomainError whose code names the rule that refuses it.
 */
export function applyStageChange(state: PipelineState, change: StageChange, today: string): PipelineState {
  validateChange(change, today);
  const from = state.stage;
  const to = change.stage;

  if (terminalStages.includes(from)) {
    throw failedPrecondition('MEMBER_STAGE_TERMINAL', `a member who is ${from} takes no further pipeline step`, {
      from,
      to,
    });
  }
  if (!allowedMoves[from].includes(to)) {
    throw failedPrecondition(
      'MEMBER_STAGE_ORDER',
      `cannot go from ${from} to ${to}; from ${from} the pipeline allows ${describeMoves(from)}`,
      { from, to },
    );
  }
  if (change.date > today) {
    throw failedPrecondition('MEMBER_STAGE_DATE', `the step date ${change.date} is in the future`, {
      date: change.date,
      today,
    });
  }
  const previous = lastStepDate(state);
  if (change.date < previous) {
    throw failedPrecondition('MEMBER_STAGE_DATE', `the step date ${change.date} is before the previous step (${previous})`, {
      date: change.date,
      previous,
    });
  }

  const step: PipelineStep = {
    stage: to,
    date: change.date,
    decisionRef: change.decisionRef.trim(),
    approvedBy: change.approvedBy.trim(),
    recordedAt: today,
    ...trimmedNote(change.note),
  };
  let probationExtensions = state.probationExtensions;

  if (from === 'activist' && to === 'candidate') {
    const eligible = addMonths(stageStartedOn(state), pipelineRules.activistPeriodMonths);
    if (change.date < eligible) {
      throw failedPrecondition(
        'MEMBER_ACTIVIST_PERIOD',
        `a candidate needs at least one year as activist; activist since ${stageStartedOn(state)}, candidate from ${eligible}`,
        { activistSince: stageStartedOn(state), earliest: eligible, date: change.date },
      );
    }
    if (change.politicalReviewPassed !== true) {
      throw failedPrecondition('MEMBER_POLITICAL_REVIEW', 'a candidate needs a passed political review (政审)', {});
    }
    const hours = change.trainingHours ?? 0;
    if (hours < pipelineRules.minTrainingHours) {
      throw failedPrecondition(
        'MEMBER_TRAINING_HOURS',
        `a candidate needs at least ${pipelineRules.minTrainingHours} class hours of training; ${hours} recorded`,
        { trainingHours: String(hours), minTrainingHours: String(pipelineRules.minTrainingHours) },
      );
    }
    step.trainingHours = hours;
  } else if (from === 'candidate' && to === 'probationary') {
    const approval = change.higherApprovalRef?.trim() ?? '';
    if (approval === '') {
      throw failedPrecondition(
        'MEMBER_HIGHER_APPROVAL',
        'admission as probationary member needs the approval of the higher party committee (higherApprovalRef)',
        {},
      );
    }
    step.higherApprovalRef = approval;
  } else if (from === 'probationary' && to === 'probationary') {
    const months = change.extensionMonths;
    if (state.probationExtensions >= pipelineRules.maxProbationExtensions) {
      throw failedPrecondition('MEMBER_PROBATION_EXTENSION', 'probation may be extended only once', {
        extensions: String(state.probationExtensions),
      });
    }
    if (months === undefined || months < 1 || months > pipelineRules.maxExtensionMonths) {
      throw failedPrecondition(
        'MEMBER_PROBATION_EXTENSION',
        `a probation extension is 1 to ${pipelineRules.maxExtensionMonths} months; got ${months ?? 'none'}`,
        { extensionMonths: String(months ?? '') },
      );
    }
    // The branch decides on extension when the one-year probation ends, not in the middle of it.
    const end = regularProbationEnd(state);
    if (change.date < end) {
      throw failedPrecondition(
        'MEMBER_PROBATION_EXTENSION',
        `probation can be extended once the one-year probation has ended (${end}), not on ${change.date}`,
        { earliest: end, date: change.date },
      );
    }
    step.extensionMonths = months;
    probationExtensions += 1;
  } else if (from === 'probationary' && to === 'full') {
    const end = probationEndsOn(state) ?? previous;
    if (change.date < end) {
      throw failedPrecondition('MEMBER_PROBATION_PERIOD', `probation lasts until ${end}; a full member cannot be dated ${change.date}`, {
        probationSince: stageStartedOn(state),
        earliest: end,
        date: change.date,
      });
    }
  }
  // applicant -> activist and probationary -> disqualified need only the decision itself.

  return {
    ...state,
    stage: to,
    history: [...state.history, step],
    probationExtensions,
  };
}
