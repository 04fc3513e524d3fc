import { failedPrecondition } from '@repo/errors';

/** A step of a state machine: from which status an action leads where. */
export type Workflow<S extends string, A extends string> = Record<A, { from: S; to: S }>;

/** The status `action` leads to from `status`; refused with `code` naming the status it needs. */
export function stepOf<S extends string, A extends string>(
  workflow: Workflow<S, A>,
  what: string,
  code: string,
  status: S,
  action: A,
): { from: S; to: S } {
  const step = workflow[action];
  if (step.from !== status) {
    throw failedPrecondition(code, `cannot ${action} ${what} that is ${status}; ${action} applies to ${step.from} ones`, {
      action,
      status,
      requiredStatus: step.from,
    });
  }
  return step;
}

/** Only drafts change: refused with `code` naming the status `what` is in. */
export function assertDraftStatus(what: string, code: string, status: string): void {
  if (status !== 'draft') throw failedPrecondition(code, `only drafts can be changed; this ${what} is ${status}`, { status });
}
