/**
 * A TCP relay in front of a server of the shared stack, which a test can cut: while cut, open
 * connections are dropped and new ones refused, as when that server is killed; restored, it
 * relays again on the same port. A test sees an outage of the store without stopping the
 * store every other test is using.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class TcpRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    /** Where clients reach the relay. */
    public port: number,
  ) {}

  /** A relay to `target` on a free loopback port. */
  static async open(target: { host: string; port: number }): Promise<TcpRelay> {
    const relay = new TcpRelay(target, 0);
    await relay.listen();
    return relay;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
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
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Drops every open connection and refuses new ones (the port stops listening). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Relays again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }
}

/** The URL with its host and port replaced by the relay's (credentials, path and query kept). */
export function throughRelay(url: string, relay: TcpRelay): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(relay.port);
  return parsed.toString();
}
