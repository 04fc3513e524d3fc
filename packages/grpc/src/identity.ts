import { Metadata } from '@grpc/grpc-js';

/**
 * Metadata a call carries from the gateway to a service. Who is calling travels only as a
 * signed caller assertion (see AssertionSigner in @repo/access), never as plain values a caller
 * on the network could write; the request id is only for correlating logs.
 */
export const metadataKeys = {
  assertion: 'x-caller-assertion',
  requestId: 'x-request-id',
} as const;

/** What a call is sent with: the caller's assertion and the request it belongs to. */
export interface CallCredentials {
  assertion: string;
  requestId?: string;
}

const maxRequestIdLength = 128;

export function first(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : '';
}

export function credentialsFromMetadata(metadata: Metadata): CallCredentials {
  const requestId = first(metadata, metadataKeys.requestId);
  return {
    assertion: first(metadata, metadataKeys.assertion),
    // A request id is echoed into logs: bounded and printable, or dropped.
    ...(requestId && requestId.length <= maxRequestIdLength && /^[\x21-\x7e]+$/.test(requestId) ? { requestId } : {}),
  };
}

export function credentialsToMetadata(credentials: CallCredentials): Metadata {
  const metadata = new Metadata();
  if (credentials.assertion) metadata.set(metadataKeys.assertion, credentials.assertion);
  if (credentials.requestId) metadata.set(metadataKeys.requestId, credentials.requestId);
  return metadata;
}
