/** Where messages can be addressed (public), and the leader posts staff keep (领导职务). */
import { authorize, inCallerScope, type Caller } from '@repo/access';
import { failedPrecondition, notFound, validationFailed, type FieldViolation } from '@repo/errors';
import { checkText } from '../domain/message';
import type { Organization } from '../domain/organizations';
import type { LeaderPost, LeaderPostRepository } from '../store/leader-posts';
import type { OrganizationDirectory } from '../store/organizations';

export interface RecipientOrganization extends Organization {
  hasChildren: boolean;
  leaderPosts: LeaderPost[];
}

const missingPost = (id: string) => notFound('FEEDBACK_LEADER_POST_NOT_FOUND', `leader post ${id} not found`, { id });

export class RecipientUseCases {
  constructor(
    private readonly organizations: OrganizationDirectory,
    private readonly posts: LeaderPostRepository,
  ) {}

  /** The organisations under a parent (the top of the tree for ''), with their leader posts. */
  async recipients(caller: Caller, parentId: string): Promise<RecipientOrganization[]> {
    authorize(caller, 'feedback.write');
    const children = await this.organizations.children(parentId);
    const ids = children.map((o) => o.id);
    const [posts, parents] = await Promise.all([this.posts.activeAt(ids), this.organizations.withChildren(ids)]);
    return children.map((o) => ({ ...o, hasChildren: parents.has(o.id), leaderPosts: posts.filter((p) => p.organizationId === o.id) }));
  }

  async createPost(caller: Caller, input: { organizationId: string; title: string; holderName: string }): Promise<LeaderPost> {
    authorize(caller, 'feedback.posts');
    const violations: FieldViolation[] = [];
    checkText(violations, 'title', input.title, 30);
    checkText(violations, 'holderName', input.holderName, 30, false);
    const organization = input.organizationId ? await this.organizations.find(input.organizationId) : undefined;
    if (!organization || !inCallerScope(caller, organization.path))
      violations.push({ field: 'organizationId', problem: 'names no organisation in your scope' });
    if (violations.length) throw validationFailed(violations);
    return this.posts.create(
      {
        organizationId: organization!.id,
        organizationName: organization!.name,
        orgPath: organization!.path,
        title: input.title.trim(),
        holderName: input.holderName.trim(),
      },
      caller.userId,
    );
  }

  /** Retired posts take no new messages; the messages they had keep them. */
  async retirePost(caller: Caller, id: string): Promise<LeaderPost> {
    authorize(caller, 'feedback.posts');
    const post = await this.posts.find(id);
    if (!post || !inCallerScope(caller, post.orgPath)) throw missingPost(id);
    if (!post.active) throw failedPrecondition('FEEDBACK_LEADER_POST_RETIRED', `leader post ${id} is retired already`, { id });
    return this.posts.retire(post, caller.userId);
  }
}
