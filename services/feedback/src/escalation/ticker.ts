/**
 * The deadline ticker: each tick (on one replica, under the job's lease) looks at the messages
 * whose next check has come, hour bucket by hour bucket, and records what is due: warnings to
 * the parent organisation (督办), overdue marks, unrated replies closed, deadlines the calendar
 * could not give before. The hours holding checks are listed in a small collection of their
 * own and the messages of an hour are asked for by equality (FerretDB v1 pushes nothing else
 * down), so a tick reads the messages due now, not every open one, whatever time passed since
 * the last; and it stops after its budget, so a backlog never outlives the lease.
 */
import type { WorkingDays } from '@repo/calendar';
import { DomainError } from '@repo/errors';
import type { Job } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { DeadlinePolicy } from '../domain/deadlines';
import { dueChecks } from '../domain/escalation';
import type { FeedbackMessage } from '../domain/message';
import { systemActor, type StepContext } from '../domain/workflow';
import type { CheckHours } from '../store/check-hours';
import { provinceHour, type MessageRepository } from '../store/messages';

const hourStart = (hour: string) => Date.parse(`${hour}:00:00+08:00`);
const previousHour = (hour: string) => provinceHour(new Date(hourStart(hour) - 3_600_000).toISOString());

export interface TickSummary extends Record<string, unknown> {
  hours: number;
  checked: number;
  acted: number;
  /** False when the budget ran out; the next tick continues. */
  complete: boolean;
}

export class DeadlineTicker {
  constructor(
    private readonly messages: MessageRepository,
    private readonly hours: CheckHours,
    private readonly calendar: WorkingDays,
    private readonly policy: DeadlinePolicy,
    private readonly budgetMs: number,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {}

  job(): Job {
    return { name: 'feedback-deadlines', run: () => this.tick(this.clock()) };
  }

  async tick(now: Date): Promise<TickSummary> {
    const started = Date.now();
    const current = provinceHour(now.toISOString());
    // An hour is done for good once the next one has passed too: checks are never placed before
    // the time they are set, and the hour just ended is read once more for a replica whose
    // clock runs a little behind.
    const settled = previousHour(current);
    const summary: TickSummary = { hours: 0, checked: 0, acted: 0, complete: true };
    const ctx = { now, calendar: this.calendar, policy: this.policy, actor: systemActor };
    for (const hour of await this.hours.through(current)) {
      summary.hours++;
      let failed = 0;
      for (const { message, nextCheckAt } of await this.messages.dueInHour(hour)) {
        if (nextCheckAt > ctx.now.toISOString()) continue;
        if (Date.now() - started > this.budgetMs) {
          summary.complete = false;
          return summary;
        }
        const outcome = await this.check(message, ctx);
        if (outcome === 'acted') summary.acted++;
        if (outcome === 'failed') failed++;
        summary.checked++;
      }
      // Every check of a settled hour moved on to a later hour (a failed one stays for the next tick).
      if (hour < settled && failed === 0) await this.hours.done(hour);
    }
    return summary;
  }

  /** Records what is due on one message. */
  private async check(message: FeedbackMessage, ctx: StepContext): Promise<'acted' | 'moved' | 'failed'> {
    try {
      const transition = dueChecks(message, ctx);
      if (transition) {
        await this.messages.save(message, transition, ctx.now);
        return transition.recorded.length > 0 ? 'acted' : 'moved';
      }
      // Nothing due although the check time came (a deadline still waiting for the calendar):
      // move the check on, or the hour would be read again and again.
      await this.messages.rescheduleCheck(message, ctx.now);
      return 'moved';
    } catch (err) {
      // Changed meanwhile by a step: that write placed the next check already.
      if (err instanceof DomainError && err.code === 'FEEDBACK_REVISION_CONFLICT') return 'moved';
      this.logger.error(
        { messageId: message.id, at: ctx.now.toISOString(), err: (err as Error).message },
        'deadline check failed; retried next tick',
      );
      return 'failed';
    }
  }
}
