/**
 * The deadline ticker: each tick (on one replica, under the job's lease) looks at the messages
 * whose next check has come, hour bucket by hour bucket, and records what is due: warnings to
 * the parent organisation (督办), overdue marks, unrated replies closed, deadlines the calendar
 * could not give before. It asks the store by equality on the hour (FerretDB v1 pushes nothing
 * else down), so a tick reads the messages due now, not every open one; and it stops after its
 * budget, keeping its place, so a backlog never outlives the lease.
 */
import type { WorkingDays } from '@repo/calendar';
import { DomainError } from '@repo/errors';
import type { Job } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { DeadlinePolicy } from '../domain/deadlines';
import { dueChecks } from '../domain/escalation';
import type { FeedbackMessage } from '../domain/message';
import { systemActor, type StepContext } from '../domain/workflow';
import { provinceHour, type MessageRepository } from '../store/messages';
import type { TickerState } from '../store/ticker-state';

const stateName = 'deadlines';

const hourStart = (hour: string) => Date.parse(`${hour}:00:00+08:00`);
export const nextHour = (hour: string) => provinceHour(new Date(hourStart(hour) + 3_600_000).toISOString());
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
    private readonly state: TickerState,
    private readonly calendar: WorkingDays,
    private readonly policy: DeadlinePolicy,
    private readonly budgetMs: number,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {}

  job(): Job {
    return { name: 'feedback-deadlines', run: () => this.tick(this.clock()) };
  }

  /**
   * The hours to read: every hour after the last one finished, up to now. A ticker without a
   * place yet (a new database, or its state lost) asks once which hours hold checks at all.
   */
  private async hours(current: string): Promise<string[]> {
    const through = await this.state.through(stateName);
    if (through === undefined) return (await this.messages.checkHours()).filter((hour) => hour <= current).sort();
    const hours: string[] = [];
    for (let hour = nextHour(through); hour <= current; hour = nextHour(hour)) hours.push(hour);
    return hours;
  }

  async tick(now: Date): Promise<TickSummary> {
    const started = Date.now();
    const current = provinceHour(now.toISOString());
    const summary: TickSummary = { hours: 0, checked: 0, acted: 0, complete: true };
    const ctx = { now, calendar: this.calendar, policy: this.policy, actor: systemActor };
    const hours = await this.hours(current);
    for (const hour of hours) {
      summary.hours++;
      for (const { message, nextCheckAt } of await this.messages.dueInHour(hour)) {
        if (nextCheckAt > ctx.now.toISOString()) continue;
        if (Date.now() - started > this.budgetMs) {
          summary.complete = false;
          return summary;
        }
        if (await this.check(message, ctx)) summary.acted++;
        summary.checked++;
      }
      // A past hour is done for good: later checks are never placed before the time they are set.
      if (hour < current) await this.state.setThrough(stateName, hour);
    }
    if ((await this.state.through(stateName)) === undefined) await this.state.setThrough(stateName, previousHour(current));
    return summary;
  }

  /** Records what is due on one message; answers whether anything was. */
  private async check(message: FeedbackMessage, ctx: StepContext): Promise<boolean> {
    const nowIso = ctx.now.toISOString();
    const transition = dueChecks(message, ctx);
    try {
      if (transition) {
        await this.messages.save(message, transition, ctx.now);
        return transition.recorded.length > 0;
      }
      // Nothing due although the check time came (a deadline still waiting for the calendar):
      // move the check on, or the hour would be read again and again.
      await this.messages.rescheduleCheck(message, ctx.now);
    } catch (err) {
      // Changed meanwhile by a step: that write placed the next check already.
      if (err instanceof DomainError && err.code === 'FEEDBACK_REVISION_CONFLICT') return false;
      this.logger.error({ messageId: message.id, at: nowIso, err: (err as Error).message }, 'deadline check failed; retried next tick');
    }
    return false;
  }
}
