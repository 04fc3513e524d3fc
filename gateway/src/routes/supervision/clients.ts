/** The supervision service's gRPC services, one client each, all on the service's address. */
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';

export function supervisionClients(address: string, deadlineMs: number) {
  return {
    audit: new RpcClient(pb.AuditLogServiceService, address, deadlineMs),
    discipline: new RpcClient(pb.DisciplineServiceService, address, deadlineMs),
    warnings: new RpcClient(pb.WarningServiceService, address, deadlineMs),
    power: new RpcClient(pb.PowerListServiceService, address, deadlineMs),
  };
}

export type SupervisionClients = ReturnType<typeof supervisionClients>;

export interface SupervisionRouteOptions {
  supervision: SupervisionClients;
}
