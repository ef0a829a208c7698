import { createServer, connect, type Server, type Socket } from 'node:net';

/** What a {@link StoreProxy} does with traffic. */
export type ProxyMode = 'up' | 'refusing' | 'hanging';

/**
 * A TCP proxy between the apps and a database server, so a test can take the "store" down and
 * bring it back without touching the real server others use: `refuse()` closes every connection
 * and refuses new ones; `hang()` accepts connections but never answers (a frozen server);
 * `restore()` forwards again on the same port.
 */
export class StoreProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #mode: ProxyMode = 'up';
  /** The port the apps connect to (fixed once started, so their URL stays valid). */
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** The current mode. */
  get mode(): ProxyMode {
    return this.#mode;
  }

  /** Starts listening on a free port. */
  async start(): Promise<void> {
    await this.#listen(0);
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  #accept(client: Socket): void {
    this.#sockets.add(client);
    client.on('close', () => this.#sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.#mode === 'hanging') return; // Accepted, never answered.
    const upstream = connect(this.#target.port, this.#target.host);
    this.#sockets.add(upstream);
    upstream.on('close', () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  #dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Closes every connection and refuses new ones (a server that is down). */
  async refuse(): Promise<void> {
    this.#mode = 'refusing';
    const server = this.#server;
    this.#server = undefined;
    this.#dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Closes every connection and accepts new ones without ever answering (a frozen server). */
  async hang(): Promise<void> {
    this.#dropConnections();
    this.#mode = 'hanging';
    if (!this.#server) await this.#listen(this.port);
  }

  /** Forwards again, on the same port. */
  async restore(): Promise<void> {
    if (this.#mode === 'hanging') this.#dropConnections();
    this.#mode = 'up';
    if (!this.#server) await this.#listen(this.port);
  }

  /** Stops the proxy for good. */
  async close(): Promise<void> {
    await this.refuse();
  }
}
