/**
 * The floor of the read path: a fastify route that makes one grpc-js unary call to a second
 * process which answers at once. The read-by-id leg is compared with it (same machine, same
 * run): what fastify and grpc-js cost before the platform does anything of its own.
 *
 *   node --import tsx bench/search-load/src/echo.ts grpc 127.0.0.1:15052 [bytes]
 *   node --import tsx bench/search-load/src/echo.ts http 127.0.0.1:18081 127.0.0.1:15052
 *
 * The answer carries a document-sized payload (`bytes` of UTF-8 text, default 3,000), like a read.
 */
import { Client, credentials, Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import Fastify from 'fastify';

const identity = (b: Buffer) => b;
const definition: ServiceDefinition = {
  echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

async function grpcServer(address: string, bytes: number): Promise<void> {
  const payload = '党'.repeat(Math.ceil(bytes / 3));
  const server = new Server();
  const implementation: UntypedServiceImplementation = {
    echo: (call: { request: Buffer }, callback: (err: null, value: Buffer) => void) => {
      const { id } = JSON.parse(call.request.toString()) as { id: string };
      callback(null, Buffer.from(JSON.stringify({ id, body: payload })));
    },
  };
  server.addService(definition, implementation);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  process.once('SIGTERM', () => server.forceShutdown());
}

async function httpServer(address: string, grpcAddress: string): Promise<void> {
  const client = new Client(grpcAddress, credentials.createInsecure());
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/echo/:id', async (request) => {
    const answer = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        '/bench.Echo/Echo',
        identity,
        identity,
        Buffer.from(JSON.stringify({ id: request.params.id })),
        (err, value) => (err || !value ? reject(err) : resolve(value)),
      ),
    );
    return JSON.parse(answer.toString()) as unknown;
  });
  const [host, port] = address.split(':');
  await app.listen({ host: host!, port: Number(port) });
  process.once('SIGTERM', () => void app.close().then(() => client.close()));
}

const [role, address, other] = process.argv.slice(2);
(role === 'grpc' ? grpcServer(address!, Number(other ?? 3_000)) : httpServer(address!, other!)).catch((err: unknown) => {
  console.error(`echo ${role}: ${(err as Error).message}`);
  process.exit(1);
});
