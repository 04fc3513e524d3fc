/** member.v1.AuthService over signing in and the user accounts. */
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import { userUpdatable, type Accounts } from '../auth/accounts';
import type { SignedIn, SignIn, User } from '../auth/sign-in';
import { paging } from './codecs';

export function toProtoUser(user: User): pb.User {
  return pb.User.create({
    id: user.id,
    userName: user.userName,
    displayName: user.displayName,
    roles: user.roles,
    organizationId: user.organizationId,
    orgPath: user.orgPath,
    memberId: user.memberId,
    lockedUntil: user.lockedUntil ?? undefined,
    createdAt: user.createdAt,
    createdBy: user.createdBy,
    revision: user.revision,
    disabled: user.disabled,
  });
}

const signedIn = ({ tokens, user }: SignedIn) => ({ tokens, user: toProtoUser(user) });

export function authService(signIn: SignIn, accounts: Accounts): ServiceRegistration {
  return defineService('member.v1.AuthService', pb.AuthServiceService, {
    async login(request) {
      return signedIn(await signIn.login({ userName: request.userName, password: request.password, clientIp: request.clientIp }));
    },

    async refresh(request) {
      return signedIn(await signIn.refresh(request.refreshToken));
    },

    async logout(request) {
      await signIn.logout(request.refreshToken);
      return {};
    },

    async changePassword(request, { caller }) {
      return signedIn(
        await signIn.changePassword(caller, {
          currentPassword: request.currentPassword,
          newPassword: request.newPassword,
          clientIp: request.clientIp,
        }),
      );
    },

    async createUser(request, { caller }) {
      const user = await accounts.create(caller, {
        userName: request.userName,
        displayName: request.displayName,
        password: request.password,
        roles: request.roles,
        organizationId: request.organizationId,
        memberId: request.memberId,
      });
      return { user: toProtoUser(user) };
    },

    async getUser(request, { caller }) {
      return { user: toProtoUser(await accounts.get(caller, request.id)) };
    },

    async listUsers(request, { caller }) {
      const page = pageOf(request, paging);
      const result = await accounts.list(caller, request.organizationId, page);
      return { users: result.items.map(toProtoUser), page: pageAnswer(page, result.total) };
    },

    async updateUser(request, { caller }) {
      const fields = updateMaskOf(request.updateMask, userUpdatable);
      const { displayName, roles, organizationId, memberId, disabled } = request;
      return {
        user: toProtoUser(
          await accounts.update(
            caller,
            request.id,
            fields,
            { displayName, roles, organizationId, memberId, disabled },
            request.expectedRevision,
          ),
        ),
      };
    },

    async unlockUser(request, { caller }) {
      return { user: toProtoUser(await accounts.unlock(caller, request.id)) };
    },
  });
}
