/** The member service's gRPC services, one client each, all on the service's address. */
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';

export function memberClients(address: string, deadlineMs: number) {
  return {
    auth: new RpcClient(pb.AuthServiceService, address, deadlineMs),
    organizations: new RpcClient(pb.OrganizationServiceService, address, deadlineMs),
    members: new RpcClient(pb.MemberServiceService, address, deadlineMs),
    dues: new RpcClient(pb.DuesServiceService, address, deadlineMs),
    transfers: new RpcClient(pb.TransferServiceService, address, deadlineMs),
    meetings: new RpcClient(pb.MeetingServiceService, address, deadlineMs),
  };
}

export type MemberClients = ReturnType<typeof memberClients>;

export interface MemberRouteOptions {
  member: MemberClients;
}
