/** The gateway's one client for the content service: deadlines, identity, promises. */
import { callUnary, createClient, type Identity } from '@repo/grpc';
import * as pb from '@repo/proto/content/v1';

export class ContentClient {
  private readonly client: pb.ContentServiceClient;

  constructor(
    readonly address: string,
    private readonly deadlineMs: number,
  ) {
    this.client = createClient(pb.ContentServiceClient, address);
  }

  createDocument(request: pb.CreateDocumentRequest, identity: Identity) {
    return callUnary(this.client, this.client.createDocument, request, identity, this.deadlineMs);
  }

  getDocument(request: pb.GetDocumentRequest, identity: Identity) {
    return callUnary(this.client, this.client.getDocument, request, identity, this.deadlineMs);
  }

  listDocuments(request: pb.ListDocumentsRequest, identity: Identity) {
    return callUnary(this.client, this.client.listDocuments, request, identity, this.deadlineMs);
  }

  updateDocument(request: pb.UpdateDocumentRequest, identity: Identity) {
    return callUnary(this.client, this.client.updateDocument, request, identity, this.deadlineMs);
  }

  transitionDocument(request: pb.TransitionDocumentRequest, identity: Identity) {
    return callUnary(this.client, this.client.transitionDocument, request, identity, this.deadlineMs);
  }

  searchDocuments(request: pb.SearchDocumentsRequest, identity: Identity) {
    return callUnary(this.client, this.client.searchDocuments, request, identity, this.deadlineMs);
  }

  suggestDocuments(request: pb.SuggestDocumentsRequest, identity: Identity) {
    return callUnary(this.client, this.client.suggestDocuments, request, identity, this.deadlineMs);
  }

  relatedDocuments(request: pb.RelatedDocumentsRequest, identity: Identity) {
    return callUnary(this.client, this.client.relatedDocuments, request, identity, this.deadlineMs);
  }

  close(): void {
    this.client.close();
  }
}
