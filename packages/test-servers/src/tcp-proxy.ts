/**
 * A TCP proxy in front of a database server, owned by one test, so that the test can take the
 * server away from an app and bring it back without touching the real server others use.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** What a {@link TcpProxy} does with traffic right now. */
export type ProxyState = 'forwarding' | 'frozen' | 'cut';

/** Options of {@link TcpProxy}. */
export interface TcpProxyOptions {
  /**
   * What becomes of connections across a freeze. `'resume'`: `freeze()` stops every byte of the
   * open connections and holds new ones, and `restore()` lets them all go on (a server that paused
   * and came back). `'drop'`: `freeze()` closes the open connections and holds new ones without an
   * answer, and `restore()` closes those too, so that clients reconnect (a hung server that was
   * restarted).
   * @default 'resume'
   */
  frozenConnections?: 'resume' | 'drop';
}

/** One client connection and its upstream twin. */
interface Link {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * Forwards loopback connections to `target`. `freeze()` makes the server hang (see
 * {@link TcpProxyOptions.frozenConnections}); `cut()` closes every connection and refuses new ones
 * (a server that is down); `restore()` forwards again, on the same port.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #dropFrozen: boolean;
  readonly #links = new Set<Link>();
  #server: Server | undefined;
  #state: ProxyState = 'forwarding';
  /** The port clients connect to; fixed once started, so their URLs stay valid across a cut. */
  port = 0;

  /** @param target the server to forward to */
  constructor(target: { host: string; port: number }, options: TcpProxyOptions = {}) {
    this.#target = target;
    this.#dropFrozen = options.frozenConnections === 'drop';
  }

  /** The current state. */
  get state(): ProxyState {
    return this.#state;
  }

  /** Connections open right now (clients of the proxy). */
  get connections(): number {
    return this.#links.size;
  }

  /** Starts listening on a free loopback port. */
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
    const link: Link = { client, upstream: undefined };
    this.#links.add(link);
    client.on('error', () => client.destroy());
    client.on('close', () => {
      this.#links.delete(link);
      link.upstream?.destroy();
    });
    // A frozen server accepts (the kernel would) but says nothing until restored.
    client.pause();
    if (this.#state === 'forwarding') this.#connectUpstream(link);
  }

  #connectUpstream(link: Link): void {
    const upstream = connect(this.#target.port, this.#target.host);
    link.upstream = upstream;
    upstream.on('error', () => upstream.destroy());
    upstream.on('close', () => link.client.destroy());
    link.client.pipe(upstream);
    upstream.pipe(link.client);
    link.client.resume();
  }

  #closeAll(): void {
    for (const { client, upstream } of this.#links) {
      client.destroy();
      upstream?.destroy();
    }
    this.#links.clear();
  }

  /** Makes the server hang: nothing answers until {@link restore}; a cut proxy accepts connections again. */
  async freeze(): Promise<void> {
    this.#state = 'frozen';
    if (this.#dropFrozen) this.#closeAll();
    for (const { client, upstream } of this.#links) {
      // Unpiped as well as paused: a pipe resumes its source on the next 'drain' of its destination.
      if (upstream) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        upstream.pause();
      }
      client.pause();
    }
    if (!this.#server) await this.#listen(this.port);
  }

  /** Closes every connection and stops listening: new connections are refused (a server that is down). */
  async cut(): Promise<void> {
    this.#state = 'cut';
    const server = this.#server;
    this.#server = undefined;
    this.#closeAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forwards again, on the same port: held and frozen connections go on (or are closed, with `frozenConnections: 'drop'`). */
  async restore(): Promise<void> {
    if (this.#state === 'frozen' && this.#dropFrozen) this.#closeAll();
    this.#state = 'forwarding';
    if (!this.#server) await this.#listen(this.port);
    for (const link of this.#links) {
      if (link.upstream === undefined) this.#connectUpstream(link);
      else if (link.client.isPaused()) {
        link.client.pipe(link.upstream);
        link.upstream.pipe(link.client);
        link.client.resume();
        link.upstream.resume();
      }
    }
  }

  /** Stops the proxy for good. */
  async close(): Promise<void> {
    await this.cut();
  }
}
