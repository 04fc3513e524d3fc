/** The gateway's clients for the member service's gRPC services: deadlines, identity, promises. */
import { callUnary, createClient, type Identity } from '@repo/grpc';
import * as pb from '@repo/proto/member/v1';
import type { Client } from '@grpc/grpc-js';

type Method<Req, Res> = Parameters<typeof callUnary<Req, Res>>[1];

export class MemberClients {
  readonly auth: pb.AuthServiceClient;
  readonly organizations: pb.OrganizationServiceClient;
  readonly members: pb.MemberServiceClient;
  readonly dues: pb.DuesServiceClient;
  readonly transfers: pb.TransferServiceClient;
  readonly meetings: pb.MeetingServiceClient;

  constructor(
    readonly address: string,
    private readonly deadlineMs: number,
  ) {
    this.auth = createClient(pb.AuthServiceClient, address);
    this.organizations = createClient(pb.OrganizationServiceClient, address);
    this.members = createClient(pb.MemberServiceClient, address);
    this.dues = createClient(pb.DuesServiceClient, address);
    this.transfers = createClient(pb.TransferServiceClient, address);
    this.meetings = createClient(pb.MeetingServiceClient, address);
  }

  /** One call with the caller's identity and the gateway's deadline. */
  call<C extends Client, Req, Res>(client: C, method: Method<Req, Res>, request: Req, identity: Identity, deadlineMs = this.deadlineMs): Promise<Res> {
    return callUnary(client, method, request, identity, deadlineMs);
  }

  close(): void {
    for (const client of [this.auth, this.organizations, this.members, this.dues, this.transfers, this.meetings]) client.close();
  }
}
