import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canConnect, freePort, RedisServer, requireRedis, START_COMMANDS, TcpProxy, uniquePrefix, uniqueSuffix } from './index.js';

/** Resolves with the first data a socket receives, or `'closed'` when it closes first, or `'silent'` after `ms`. */
function firstAnswer(socket: Socket, ms = 300): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('silent'), ms);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString());
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

describe('shared servers', () => {
  it('finds the shared Redis, and fails with the command that starts it where none answers', async () => {
    await requireRedis();
    const port = await freePort();
    await expect(requireRedis(`redis://127.0.0.1:${port}`)).rejects.toThrow(START_COMMANDS.redis);
    await expect(canConnect('127.0.0.1', port)).rejects.toThrow();
  });

  it('gives a different suffix and key prefix every time', () => {
    expect(uniqueSuffix()).toMatch(/^\d+_[a-z0-9]+$/);
    expect(uniqueSuffix()).not.toBe(uniqueSuffix());
    expect(uniquePrefix('store')).toMatch(/^sess-test-store-\d+_[a-z0-9]+:$/);
  });
});

describe('RedisServer', () => {
  it('starts, freezes, thaws, dies and comes back on the same port, and cleans up', { timeout: 30_000 }, async () => {
    const server = await RedisServer.start({ appendOnly: true });
    try {
      await requireRedis(server.url);
      server.freeze();
      await expect(requireRedis(server.url, 300)).rejects.toThrow(/no answer/);
      server.thaw();
      await requireRedis(server.url);
      await server.kill();
      await expect(requireRedis(server.url)).rejects.toThrow(/not reachable/);
      await server.restart();
      await requireRedis(server.url);
    } finally {
      await server.close();
    }
    expect(existsSync(server.directory)).toBe(false);
  });
});

describe('TcpProxy', () => {
  let echo: Server;
  const accepted = new Set<Socket>();
  let target = { host: '127.0.0.1', port: 0 };
  beforeAll(async () => {
    echo = createServer((socket) => {
      accepted.add(socket);
      socket.on('data', (chunk) => socket.write(chunk)).on('error', () => undefined);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    target = { host: '127.0.0.1', port: (echo.address() as { port: number }).port };
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('forwards, refuses when cut, and forwards again on the same port when restored', async () => {
    const proxy = new TcpProxy(target);
    await proxy.start();
    try {
      const socket = await open(proxy.port);
      socket.write('one');
      expect(await firstAnswer(socket)).toBe('one');
      await proxy.cut();
      expect(proxy.state).toBe('cut');
      await expect(canConnect('127.0.0.1', proxy.port)).rejects.toThrow();
      await proxy.restore();
      const again = await open(proxy.port);
      again.write('two');
      expect(await firstAnswer(again)).toBe('two');
      again.destroy();
    } finally {
      await proxy.close();
    }
  });

  it("holds frozen connections and lets them go on when restored ('resume')", async () => {
    const proxy = new TcpProxy(target);
    await proxy.start();
    try {
      const socket = await open(proxy.port);
      await proxy.freeze();
      socket.write('held');
      expect(await firstAnswer(socket)).toBe('silent');
      const late = await open(proxy.port);
      late.write('late');
      expect(await firstAnswer(late)).toBe('silent');
      const answers = Promise.all([firstAnswer(socket, 2000), firstAnswer(late, 2000)]);
      await proxy.restore();
      expect(await answers).toEqual(['held', 'late']);
      socket.destroy();
      late.destroy();
    } finally {
      await proxy.close();
    }
  });

  it("closes the open connections on freeze and the held ones on restore ('drop')", async () => {
    const proxy = new TcpProxy(target, { frozenConnections: 'drop' });
    await proxy.start();
    try {
      const socket = await open(proxy.port);
      const dropped = firstAnswer(socket, 2000);
      await proxy.freeze();
      expect(await dropped).toBe('closed');
      const held = await open(proxy.port);
      held.write('held');
      expect(await firstAnswer(held)).toBe('silent');
      const closed = firstAnswer(held, 2000);
      await proxy.restore();
      expect(await closed).toBe('closed');
      const fresh = await open(proxy.port);
      fresh.write('fresh');
      expect(await firstAnswer(fresh)).toBe('fresh');
      fresh.destroy();
    } finally {
      await proxy.close();
    }
  });
});
