import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { authService } from '../grpc/auth';
import type { MemberStores } from '../store';
import { Accounts } from './accounts';
import { loginFailurePurge, SignIn, type AuthPolicy } from './sign-in';

/** Sign-in and user accounts, and the purge of failure records of names without an account. */
export function authModule(stores: MemberStores, policy: AuthPolicy, logger: Logger): ServiceModule {
  return { grpc: [authService(new SignIn(stores, policy, logger), new Accounts(stores))], jobs: [loginFailurePurge(stores.loginFailures)] };
}
