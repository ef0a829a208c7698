/**
 * The `sess` command: parses the arguments, runs one command against one store, and turns every
 * failure into a message and an exit code (never a stack trace for a user's mistake).
 */
import { parseArgs } from 'node:util';
import { createSessions, SessError, SessionConfigError, SessionStateError, type Store } from '@sess/core';
import { UsageError } from './cli-error.js';
import { countLive } from './count-live.js';
import { HELP } from './help-text.js';
import { startProgress } from './progress.js';
import { schemaOf } from './schema-of.js';
import { describeLocation, openStore, parseStoreUrl, type StoreLocation, type StoreNamespace } from './store-url.js';

/** Where the command writes, and what it reads from its environment. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

const COMMANDS = ['prune', 'stats', 'list', 'revoke', 'schema'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  store: { type: 'string' },
  owner: { type: 'string' },
  handle: { type: 'string' },
  table: { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Parsed {
  command: Command;
  location: StoreLocation | undefined;
  namespace: StoreNamespace;
  owner: string | undefined;
  handle: string | undefined;
  json: boolean;
}

/** Runs `sess` with `argv` (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parse(argv, io.env);
  } catch (error) {
    io.stderr.write(`sess: ${(error as Error).message}\nRun \`sess --help\` for the commands and options.\n`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  try {
    await run(parsed, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || SessionStateError.isInstance(error) || SessionConfigError.isInstance(error)) {
      io.stderr.write(`sess: ${error.message}\n`);
      return 2;
    }
    // SessError messages are written for users (a store's detail says what to check); others are bugs or driver errors.
    const detail = SessError.isInstance(error) && 'detail' in error ? String((error as { detail: unknown }).detail) : (error as Error).message;
    io.stderr.write(`sess: ${parsed.command} failed: ${detail}\n`);
    return 1;
  }
}

function parse(argv: readonly string[], env: CliIo['env']): Parsed | 'help' {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    // Node's message names the unknown option or the missing value.
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (values.help || positionals.length === 0) return 'help';
  const [command, ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command!)) {
    throw new UsageError(`unknown command "${command}"; the commands are ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const storeUrl = (values.store as string | undefined) ?? env.SESSION_STORE_URL;
  if (storeUrl === undefined || storeUrl === '') throw new UsageError('--store URL is required (or set SESSION_STORE_URL)');
  const location = parseStoreUrl(storeUrl);
  const owner = values.owner as string | undefined;
  const handle = values.handle as string | undefined;
  if ((command === 'list' || command === 'revoke') && (owner === undefined || owner === '')) {
    throw new UsageError(`${command} needs --owner NAME (the user whose sessions to ${command === 'list' ? 'list' : 'end'})`);
  }
  if (command !== 'list' && command !== 'revoke' && owner !== undefined) throw new UsageError(`${command} takes no --owner`);
  if (command !== 'revoke' && handle !== undefined) throw new UsageError(`${command} takes no --handle`);
  if (handle === '') throw new UsageError('--handle needs a handle, as `sess list` prints it');
  if (values.prefix !== undefined && location.kind !== 'redis') throw new UsageError('--prefix is for Redis stores only');
  if (values.table !== undefined && (location.kind === 'redis' || location.kind === 'file')) throw new UsageError('--table is for SQL stores only');
  return {
    command: command as Command,
    location,
    namespace: { table: values.table as string | undefined, prefix: values.prefix as string | undefined },
    owner,
    handle,
    json: values.json === true,
  };
}

/** The first secret of SESSION_SECRET, which handles are made with. */
function secretFrom(env: CliIo['env']): string[] {
  const secrets = (env.SESSION_SECRET ?? '').split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
  if (secrets.length === 0) throw new UsageError("set SESSION_SECRET to the app's secret: handles are made with it");
  return secrets;
}

async function run(parsed: Parsed, io: CliIo): Promise<void> {
  const location = parsed.location!;
  if (parsed.command === 'schema') {
    io.stdout.write(await schemaOf(location, parsed.namespace.table));
    return;
  }
  if (parsed.command === 'stats') {
    const progress = startProgress(io.stderr, 'counting sessions');
    try {
      const live = await countLive(location, parsed.namespace, (seen) => progress.update(seen));
      io.stdout.write(parsed.json ? `${JSON.stringify({ store: location.kind, live })}\n` : `${describeLocation(location)}: ${live} live session${live === 1 ? '' : 's'}\n`);
    } finally {
      progress.stop();
    }
    return;
  }
  const store = await openStore(location, parsed.namespace);
  try {
    await runOnStore(parsed, store, io);
  } finally {
    await store.close?.();
  }
}

async function runOnStore(parsed: Parsed, store: Store, io: CliIo): Promise<void> {
  const owner = parsed.owner!;
  switch (parsed.command) {
    case 'prune': {
      if (!store.prune) {
        io.stdout.write(`${store.name ?? 'this store'} expires sessions by itself: nothing to prune\n`);
        return;
      }
      const progress = startProgress(io.stderr, 'pruning expired sessions');
      try {
        const pruned = await store.prune();
        io.stdout.write(`pruned ${pruned} expired session${pruned === 1 ? '' : 's'}\n`);
      } finally {
        progress.stop();
      }
      return;
    }
    case 'list': {
      const sessions = createSessions({ store, secret: secretFrom(io.env), storeTimeout: 30_000 });
      const devices = await sessions.list(owner);
      if (parsed.json) {
        io.stdout.write(`${JSON.stringify(devices)}\n`);
        return;
      }
      if (devices.length === 0) {
        io.stdout.write(`${owner} has no live session\n`);
        return;
      }
      for (const device of devices) {
        io.stdout.write(
          `${device.handle}  ${device.device}  created ${device.createdAt.toISOString()}  last seen ${device.lastSeenAt.toISOString()}  expires ${device.expiresAt.toISOString()}\n`,
        );
      }
      return;
    }
    case 'revoke': {
      if (parsed.handle === undefined) {
        if (!store.destroyByOwner) throw new UsageError(`the ${store.name ?? 'configured'} store cannot find sessions by owner`);
        const ended = await store.destroyByOwner(owner);
        io.stdout.write(`ended ${ended} session${ended === 1 ? '' : 's'} of ${owner}\n`);
        return;
      }
      const sessions = createSessions({ store, secret: secretFrom(io.env), storeTimeout: 30_000 });
      const revoked = await sessions.revoke(owner, parsed.handle);
      if (!revoked) throw new UsageError(`${owner} has no live session with that handle (\`sess list --owner ${JSON.stringify(owner)}\` shows them)`);
      io.stdout.write(`ended 1 session of ${owner}\n`);
      return;
    }
  }
}
