/**
 * Messages: writing and following one, the public view, the staff view and the workflow steps.
 * Where the rules (domain/) meet the stores.
 */
import { randomUUID } from 'node:crypto';
import { authorize, inCallerScope, scopeOf, type Caller } from '@repo/access';
import { addDays, provinceDate, provinceDayStart, type WorkingDays } from '@repo/calendar';
import { isDuplicateKey, type Page } from '@repo/db';
import { DomainError, notFound, validationFailed } from '@repo/errors';
import { assertRevision } from '@repo/grpc';
import { assertMayTake, assertSees, missingMessage, type StaffStep } from '../domain/access';
import type { DeadlinePolicy } from '../domain/deadlines';
import { comparedText, similarity } from '../domain/duplicates';
import {
  contactKeyOf,
  handlingOrganization,
  isPublic,
  newTrackingCode,
  normalizeContact,
  normalizeTrackingCode,
  validateDraft,
  type Draft,
  type DuplicateCandidate,
  type FeedbackMessage,
  type MessageStatus,
  type MessageType,
  type Recipient,
} from '../domain/message';
import { idOfPath, type Organization } from '../domain/organizations';
import { publicView, trackedView, type PublicView, type TrackedView } from '../domain/views';
import * as workflow from '../domain/workflow';
import type { Actor, RatingInput, StepContext, Transition } from '../domain/workflow';
import type { LeaderPostRepository } from '../store/leader-posts';
import type { MessageRepository } from '../store/messages';
import type { OrganizationDirectory } from '../store/organizations';
import type { SubmissionQuotas } from '../store/quotas';
import type { MessageSearchIndex } from '../store/search';
import type { ScreenFile } from './screen-file';

export const messagePaging = { defaultSize: 20, maxSize: 100 } as const;

export interface AbuseLimits {
  contactPerDay: number;
  addressPerDay: number;
  duplicateDays: number;
  duplicateSimilarity: number;
}

export interface MessageDependencies {
  messages: MessageRepository;
  organizations: OrganizationDirectory;
  posts: LeaderPostRepository;
  quotas: SubmissionQuotas;
  screen: ScreenFile;
  search: MessageSearchIndex;
  calendar: WorkingDays;
  policy: DeadlinePolicy;
  domains: readonly string[];
  limits: AbuseLimits;
  clock: () => Date;
}

/** One step of the staff workflow, as the adapter hands it over. */
export type StaffStepInput =
  | { step: 'release' | 'accept'; note: string }
  | { step: 'return'; reason: string; note: string }
  | { step: 'assign'; organizationId: string; note: string }
  | { step: 'dispute'; reason: string }
  | { step: 'answerDispute'; reassignTo: string; note: string }
  | { step: 'reply'; body: string }
  | { step: 'extend'; days: number; reason: string }
  | { step: 'merge'; into: string; note: string }
  | { step: 'rectify'; note: string }
  | { step: 'revisit'; result: string; note: string };

export interface PublicListQuery {
  type?: MessageType;
  domain?: string;
  organizationId?: string;
  leaderPostId?: string;
  repliedOnly?: boolean;
  page: number;
  size: number;
}

export interface StaffListQuery {
  status?: MessageStatus;
  type?: MessageType;
  domain?: string;
  handlingOrganizationId?: string;
  overdueOnly?: boolean;
  page: number;
  size: number;
}

export interface StaffView {
  message: FeedbackMessage;
  mergedMessages: string[];
}

const untracked = () =>
  notFound('FEEDBACK_TRACKING_NOT_FOUND', 'no message has this tracking code and contact; check both as the confirmation showed them');

export class MessageUseCases {
  constructor(private readonly deps: MessageDependencies) {}

  private context(actor: Actor): StepContext {
    return { now: this.deps.clock(), calendar: this.deps.calendar, policy: this.deps.policy, actor };
  }

  /** Where a message goes: an organisation of the tree, or an active leader post at one. */
  private async recipientOf(draft: Pick<Draft, 'organizationId' | 'leaderPostId'>): Promise<{ recipient: Recipient; orgPath: string }> {
    if (draft.leaderPostId) {
      const post = await this.deps.posts.find(draft.leaderPostId);
      const organization = post?.active ? await this.deps.organizations.find(post.organizationId) : undefined;
      if (!post || !organization) throw validationFailed([{ field: 'leaderPostId', problem: 'names no leader post that takes messages' }]);
      return {
        recipient: {
          organizationId: organization.id,
          organizationName: organization.name,
          leaderPostId: post.id,
          leaderPostTitle: post.title,
        },
        orgPath: organization.path,
      };
    }
    const organization = await this.deps.organizations.find(draft.organizationId);
    if (!organization) throw validationFailed([{ field: 'organizationId', problem: 'names no organisation' }]);
    return {
      recipient: { organizationId: organization.id, organizationName: organization.name, leaderPostId: '', leaderPostTitle: '' },
      orgPath: organization.path,
    };
  }

  /**
   * Takes one of today's slots of each limit (per contact, per client address), or refuses with
   * 429 naming the limit and when it resets; answers the slots to give back if the write fails.
   */
  private async takeSlots(contactKey: string, clientAddress: string, now: Date): Promise<string[]> {
    const day = provinceDate(now);
    const retryAfterSeconds = String(Math.ceil((provinceDayStart(addDays(day, 1)).getTime() - now.getTime()) / 1000));
    const limits: [string, number, string][] = [[`contact:${contactKey}`, this.deps.limits.contactPerDay, 'contact']];
    if (clientAddress) limits.push([`address:${clientAddress}`, this.deps.limits.addressPerDay, 'address']);
    const taken: string[] = [];
    for (const [bucket, limit, what] of limits) {
      const slot = await this.deps.quotas.take(bucket, day, limit);
      if (!slot) {
        await Promise.all(taken.map((s) => this.deps.quotas.release(s)));
        throw new DomainError(
          'resourceExhausted',
          'FEEDBACK_SUBMISSION_LIMIT',
          `at most ${limit} messages a day may be written from one ${what}; try again tomorrow`,
          {
            limit: String(limit),
            per: what,
            retryAfterSeconds,
          },
        );
      }
      taken.push(slot);
    }
    return taken;
  }

  /** The same contact's recent messages that read alike: offered to staff for merging (并单). */
  private async duplicatesOf(contactKey: string, text: string, now: Date): Promise<DuplicateCandidate[]> {
    const since = new Date(now.getTime() - this.deps.limits.duplicateDays * 86_400_000).toISOString();
    const earlier = await this.deps.messages.byContact(contactKey, since);
    return earlier
      .filter((m) => m.status !== 'merged')
      .map((m) => ({ messageId: m.id, similarity: similarity(comparedText(m), text), submittedAt: m.submittedAt, subject: m.subject }))
      .filter((c) => c.similarity >= this.deps.limits.duplicateSimilarity)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 5);
  }

  async submit(caller: Caller, draft: Draft, clientAddress: string): Promise<TrackedView> {
    authorize(caller, 'feedback.write');
    const valid = validateDraft(draft, this.deps.domains);
    const { recipient, orgPath } = await this.recipientOf(valid);
    const now = this.deps.clock();
    const contactKey = contactKeyOf(valid.contact);
    const slots = await this.takeSlots(contactKey, clientAddress, now);
    try {
      const input = {
        draft: valid,
        recipient,
        orgPath,
        contactKey,
        writerUserId: caller.userId,
        screenHits: this.deps.screen.current.hits(valid.subject, valid.body, valid.region),
        duplicateCandidates: await this.duplicatesOf(contactKey, comparedText(valid), now),
      };
      const ctx = this.context(workflow.writerActor);
      for (let attempt = 0; ; attempt++) {
        const transition = workflow.submit({ ...input, id: randomUUID(), trackingCode: newTrackingCode() }, { ...ctx, now });
        try {
          return trackedView(await this.deps.messages.create(transition, now), null);
        } catch (err) {
          // A tracking code already given out (one in 10^17): draw another.
          if (!isDuplicateKey(err) || attempt >= 2) throw err;
        }
      }
    } catch (err) {
      await Promise.all(slots.map((s) => this.deps.quotas.release(s)));
      throw err;
    }
  }

  /** The writer's message, by the code and the contact it was written with (either wrong: one answer). */
  private async tracked(code: string, contact: string): Promise<FeedbackMessage> {
    const normalized = normalizeTrackingCode(code);
    const violations = [];
    if (!normalized)
      violations.push({ field: 'trackingCode', problem: 'must be the 12 letters and digits of the confirmation (dashes optional)' });
    if (!contact.trim())
      violations.push({ field: 'contact', problem: 'is required: the phone number or e-mail address the message was written with' });
    if (violations.length) throw validationFailed(violations);
    const message = await this.deps.messages.findByTrackingCode(normalized!);
    if (!message || message.contact !== normalizeContact(contact)) throw untracked();
    return message;
  }

  private async trackedViewOf(message: FeedbackMessage): Promise<TrackedView> {
    const into = message.mergedInto ? await this.deps.messages.find(message.mergedInto) : null;
    return trackedView(message, into);
  }

  async track(caller: Caller, code: string, contact: string): Promise<TrackedView> {
    authorize(caller, 'feedback.write');
    return this.trackedViewOf(await this.tracked(code, contact));
  }

  async rate(caller: Caller, code: string, contact: string, rating: RatingInput): Promise<TrackedView> {
    authorize(caller, 'feedback.write');
    const message = await this.tracked(code, contact);
    const ctx = this.context(workflow.writerActor);
    return this.trackedViewOf(await this.deps.messages.save(message, workflow.rate(message, ctx, rating), ctx.now));
  }

  async mine(caller: Caller, page: number, size: number): Promise<Page<TrackedView>> {
    authorize(caller, 'feedback.write');
    if (!caller.userId) return { items: [], total: 0 };
    const found = await this.deps.messages.mine(caller.userId, page, size);
    return { items: await Promise.all(found.items.map((m) => this.trackedViewOf(m))), total: found.total };
  }

  async getPublic(caller: Caller, id: string): Promise<PublicView> {
    authorize(caller, 'feedback.read');
    const message = await this.deps.messages.find(id);
    if (!message || !isPublic(message)) throw missingMessage(id);
    return publicView(message, (await this.deps.messages.mergedInto(id)).length);
  }

  /** Public messages newest first: the index picks them, the store answers them as they are now. */
  async listPublic(caller: Caller, query: PublicListQuery): Promise<Page<PublicView>> {
    authorize(caller, 'feedback.read');
    const { ids, total } = await this.deps.search.queries.listIds(query);
    const found = await Promise.all(ids.map((id) => this.deps.messages.find(id)));
    const views = await Promise.all(
      found
        .filter((m): m is FeedbackMessage => m !== null && isPublic(m))
        .map(async (m) => publicView(m, (await this.deps.messages.mergedInto(m.id)).length)),
    );
    return { items: views, total };
  }

  async get(caller: Caller, id: string): Promise<StaffView> {
    const message = assertSees(caller, await this.deps.messages.find(id), id);
    return { message, mergedMessages: await this.deps.messages.mergedInto(id) };
  }

  async list(caller: Caller, query: StaffListQuery): Promise<Page<FeedbackMessage>> {
    authorize(caller, 'feedback.readPrivate');
    const { page, size, ...filter } = query;
    return this.deps.messages.listForStaff({ ...filter, scope: scopeOf(caller) }, page, size);
  }

  /** The node a staff member acts for, as steps name it. */
  private async actorOf(caller: Caller): Promise<Actor> {
    const path = scopeOf(caller);
    const organization = path === '/' ? undefined : await this.deps.organizations.find(idOfPath(path));
    return { userId: caller.userId, organizationId: organization?.id ?? '', organizationName: organization?.name ?? '', path };
  }

  /** An organisation the caller may direct a message to: in the tree and in their scope. */
  private async targetIn(caller: Caller, id: string, field: string): Promise<Organization> {
    const organization = await this.deps.organizations.find(id);
    if (!organization || !inCallerScope(caller, organization.path))
      throw validationFailed([{ field, problem: 'names no organisation in your scope' }]);
    return organization;
  }

  async takeStep(caller: Caller, id: string, expectedRevision: number, input: StaffStepInput): Promise<StaffView> {
    const current = assertMayTake(caller, input.step as StaffStep, await this.deps.messages.find(id), id);
    assertRevision(expectedRevision, current, 'message');
    const ctx = this.context(await this.actorOf(caller));
    const transition = await this.transitionOf(caller, current, input, ctx);
    const saved = await this.deps.messages.save(current, transition, ctx.now);
    return { message: saved, mergedMessages: await this.deps.messages.mergedInto(id) };
  }

  private async transitionOf(caller: Caller, message: FeedbackMessage, input: StaffStepInput, ctx: StepContext): Promise<Transition> {
    switch (input.step) {
      case 'release':
        return workflow.release(message, ctx, input.note);
      case 'accept':
        return workflow.accept(message, ctx, input.note);
      case 'return':
        return workflow.returnMessage(message, ctx, input.reason, input.note);
      case 'assign':
        if (!input.organizationId)
          throw validationFailed([{ field: 'organizationId', problem: 'is required: the organisation to assign to' }]);
        return workflow.assign(message, ctx, await this.targetIn(caller, input.organizationId, 'organizationId'), input.note);
      case 'dispute':
        return workflow.dispute(message, ctx, input.reason);
      case 'answerDispute': {
        const target = input.reassignTo ? await this.targetIn(caller, input.reassignTo, 'reassignToOrganizationId') : undefined;
        return workflow.answerDispute(message, ctx, target, input.note);
      }
      case 'reply':
        return workflow.reply(message, ctx, input.body);
      case 'extend':
        return workflow.extend(message, ctx, input.days, input.reason);
      case 'merge': {
        const into = input.into ? await this.deps.messages.find(input.into) : null;
        if (!into || !inCallerScope(caller, handlingOrganization(into).path))
          throw validationFailed([{ field: 'intoMessageId', problem: 'names no message in your scope' }]);
        return workflow.merge(message, ctx, into, input.note);
      }
      case 'rectify':
        return workflow.rectify(message, ctx, input.note);
      case 'revisit':
        return workflow.revisit(message, ctx, input.result, input.note);
    }
  }
}
