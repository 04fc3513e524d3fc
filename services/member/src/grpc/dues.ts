/** Dues handlers: not built yet; every call answers UNIMPLEMENTED until they are. */
import { DomainError } from '@repo/errors';
import { unary } from '@repo/grpc';
import { DuesServiceService, type DuesServiceServer } from '@repo/proto/member/v1';
import type { ModuleContext, ServiceModule } from '../app';

export function duesModule({ logger }: ModuleContext): ServiceModule {
  const pending = unary(logger, async () => {
    throw new DomainError('internal', 'NOT_IMPLEMENTED', 'not built yet');
  });
  const implementation = new Proxy({}, { get: () => pending }) as DuesServiceServer;
  return { registration: { name: 'member.v1.DuesService', definition: DuesServiceService, implementation } };
}
