import { HealthCheckResponse_ServingStatus, HealthService } from '@repo/proto/grpc/health/v1';
import { RpcClient } from './client';

const clients = new Map<string, RpcClient<typeof HealthService>>();

/**
 * Asks a server's grpc.health.v1 service whether `service` (or the whole server, for '') is
 * serving. Any failure, including a timeout, counts as not serving. Health needs no caller.
 */
export async function isServing(address: string, service = '', deadlineMs = 1_000): Promise<boolean> {
  const client = clients.get(address) ?? new RpcClient(HealthService, address, deadlineMs);
  clients.set(address, client);
  try {
    const response = await client.call('check', { service }, { assertion: '' }, deadlineMs);
    return response.status === HealthCheckResponse_ServingStatus.SERVING;
  } catch {
    return false;
  }
}

export function closeHealthClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}
