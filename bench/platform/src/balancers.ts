/**
 * Stand-ins for what sits in front of the replicas in a cluster, on loopback:
 *
 * - `TcpBalancer`, kube-proxy in front of a gRPC service's pods: each new connection goes to a
 *   ready endpoint (round robin); taking an endpoint out stops new connections to it, and the
 *   connections it has keep going until the replica closes them (a gRPC server's GOAWAY).
 * - `HttpBalancer`, the ingress controller in front of the gateway's pods: each request goes to a
 *   ready endpoint (round robin) over kept-alive connections; taking an endpoint out stops new
 *   requests to it. It never retries: a request whose replica went away is answered 502, and
 *   counted by the load as a failure.
 */
import { createServer as createHttpServer, request as httpRequest, Agent, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';

abstract class Endpoints {
  protected readonly endpoints: number[] = [];
  private next = 0;

  /** The replica's port takes traffic (it is ready). */
  add(port: number): void {
    if (!this.endpoints.includes(port)) this.endpoints.push(port);
  }

  /** The replica's port takes no new traffic (it is terminating). */
  remove(port: number): void {
    const index = this.endpoints.indexOf(port);
    if (index >= 0) this.endpoints.splice(index, 1);
  }

  get size(): number {
    return this.endpoints.length;
  }

  protected pick(): number | undefined {
    if (this.endpoints.length === 0) return undefined;
    this.next = (this.next + 1) % this.endpoints.length;
    return this.endpoints[this.next];
  }
}

export class TcpBalancer extends Endpoints {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections refused because no endpoint was ready. */
  refused = 0;

  private constructor() {
    super();
    this.server = createServer((client) => {
      const port = this.pick();
      if (port === undefined) {
        this.refused++;
        client.destroy();
        return;
      }
      const upstream = connect(port, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  }

  static async listen(): Promise<{ balancer: TcpBalancer; port: number }> {
    const balancer = new TcpBalancer();
    const port = await new Promise<number>((resolve) =>
      balancer.server.listen(0, '127.0.0.1', () => resolve((balancer.server.address() as { port: number }).port)),
    );
    return { balancer, port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export class HttpBalancer extends Endpoints {
  private readonly server: HttpServer;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** Requests answered 502/503 by the balancer itself (no endpoint, or the replica failed mid-request). */
  failures = 0;

  private constructor() {
    super();
    this.server = createHttpServer((req, res) => {
      const port = this.pick();
      if (port === undefined) {
        this.failures++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('no ready endpoint');
        return;
      }
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
          agent: this.agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        this.failures++;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream ${port}: ${err.message}`);
        else res.destroy();
      });
      req.pipe(upstream);
    });
    this.server.keepAliveTimeout = 65_000;
  }

  static async listen(): Promise<{ balancer: HttpBalancer; port: number }> {
    const balancer = new HttpBalancer();
    const port = await new Promise<number>((resolve) =>
      balancer.server.listen(0, '127.0.0.1', () => resolve((balancer.server.address() as { port: number }).port)),
    );
    return { balancer, port };
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
