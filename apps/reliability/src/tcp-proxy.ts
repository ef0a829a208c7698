/**
 * A TCP proxy in front of a database server, owned by one test, so that the test can take the
 * server away from an app and bring it back without touching the real server others use.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** What a {@link TcpProxy} does with traffic right now. */
export type ProxyState = 'forwarding' | 'frozen' | 'cut';

/** One client connection and its upstream twin. */
interface Link {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * Forwards loopback connections to `target`. `freeze()` stops every byte in both directions and
 * holds new connections (a hung server); `cut()` closes every connection and refuses new ones (a
 * server that is down); `restore()` forwards again, on the same port.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #links = new Set<Link>();
  #server: Server | undefined;
  #state: ProxyState = 'forwarding';
  /** The port clients connect to; fixed once started, so their URLs stay valid across a cut. */
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
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

  /** Stops every byte both ways and holds new connections, without closing anything (a hung server). */
  freeze(): void {
    this.#state = 'frozen';
    for (const { client, upstream } of this.#links) {
      // Unpiped as well as paused: a pipe resumes its source on the next 'drain' of its destination.
      if (upstream) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        upstream.pause();
      }
      client.pause();
    }
  }

  /** Closes every connection and stops listening: new connections are refused (a server that is down). */
  async cut(): Promise<void> {
    this.#state = 'cut';
    const server = this.#server;
    this.#server = undefined;
    for (const { client, upstream } of this.#links) {
      client.destroy();
      upstream?.destroy();
    }
    this.#links.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forwards again: held connections go through, frozen ones resume, a cut proxy listens again. */
  async restore(): Promise<void> {
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
