import { HealthCheckResponse_ServingStatus, HealthClient } from '@repo/proto/grpc/health/v1';
import { callUnary, createClient } from './client';

const clients = new Map<string, HealthClient>();

/**
 * Asks a server's grpc.health.v1 service whether `service` (or the whole server, for '') is
 * serving. Any failure, including a timeout, counts as not serving.
 */
export async function isServing(address: string, service = '', deadlineMs = 1_000): Promise<boolean> {
  let client = clients.get(address);
  if (!client) {
    client = createClient(HealthClient, address);
    clients.set(address, client);
  }
  try {
    const response = await callUnary(client, client.check, { service }, {}, deadlineMs);
    return response.status === HealthCheckResponse_ServingStatus.SERVING;
  } catch {
    return false;
  }
}

export function closeHealthClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}
