import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_SECRET, DemoConfigError, readDemoConfig } from './demo-config.js';

const read = (env: Record<string, string>) => readDemoConfig({ appName: 'test', defaultPort: 3001, env });

describe('readDemoConfig', () => {
  it('applies the contract defaults', () => {
    const config = read({});
    expect(config).toMatchObject({
      port: 3001,
      host: '127.0.0.1',
      store: 'file',
      secrets: [DEVELOPMENT_SECRET],
      usingDevelopmentSecret: true,
      cookieName: 'sid',
      cookieSecure: false,
      idleTimeout: 1800,
      absoluteTimeout: 86400,
      sessionDir: './.sessions',
      sqlitePath: './.sessions.db',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://127.0.0.1:5432/test',
      locking: false,
    });
    expect(read({ SESSION_STORE: 'mysql' }).databaseUrl).toBe('mysql://root@127.0.0.1:3306/test');
  });

  it('splits SESSION_SECRET for rotation', () => {
    expect(read({ SESSION_SECRET: ' first , second ' })).toMatchObject({ secrets: ['first', 'second'], usingDevelopmentSecret: false });
  });

  it.each([
    ['SESSION_STORE', 'mongo'],
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['SESSION_IDLE_TIMEOUT', '-5'],
    ['SESSION_COOKIE_SECURE', 'maybe'],
    ['SESSION_LOCKING', 'sometimes'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => read({ [name]: value })).toThrow(DemoConfigError);
    expect(() => read({ [name]: value })).toThrow(name);
  });

  it('refuses a DATABASE_URL of the other SQL server', () => {
    expect(() => read({ SESSION_STORE: 'postgres', DATABASE_URL: 'mysql://root@localhost/test' })).toThrow('DATABASE_URL');
  });
});
