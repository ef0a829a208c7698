import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DemoHttpError } from './demo-http-error.js';
import { readRequestBody } from './request-body.js';
import { readTextField } from './text-field.js';

const nodeBody = (text: string) => Readable.from([Buffer.from(text)]);
const webBody = (text: string) => new Response(text).body;

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DemoHttpError);
  return (error as DemoHttpError).status;
}

describe('readRequestBody', () => {
  it.each([
    ['a Node stream', nodeBody],
    ['a web stream', webBody],
  ])('reads JSON and forms from %s', async (_label, body) => {
    expect(await readRequestBody(body('{"username":"ada"}'), { contentType: 'application/json; charset=utf-8' })).toEqual({
      type: 'json',
      fields: { username: 'ada' },
    });
    const form = await readRequestBody(body('username=a%20b&x=1&x=2'), { contentType: 'application/x-www-form-urlencoded' });
    expect(form.type).toBe('form');
    expect({ ...form.fields }).toEqual({ username: 'a b', x: ['1', '2'] });
  });

  it('treats no body and no type as empty', async () => {
    expect(await readRequestBody(nodeBody(''), {})).toEqual({ type: 'empty', fields: {} });
  });

  it('refuses other types with 415, bad JSON with 400 and large bodies with 413', async () => {
    expect(await refusal(readRequestBody(nodeBody('x'), { contentType: 'text/plain' }))).toBe(415);
    expect(await refusal(readRequestBody(nodeBody('x'), {}))).toBe(415);
    expect(await refusal(readRequestBody(nodeBody('{}'), { contentType: 'application/json; charset=latin1' }))).toBe(415);
    expect(await refusal(readRequestBody(nodeBody('{"a":'), { contentType: 'application/json' }))).toBe(400);
    expect(await refusal(readRequestBody(nodeBody('[1]'), { contentType: 'application/json' }))).toBe(400);
    expect(await refusal(readRequestBody(Readable.from([Buffer.from([0xff, 0xfe])]), { contentType: 'application/json' }))).toBe(400);
    // Too large whatever Content-Length claims (here: nothing).
    expect(await refusal(readRequestBody(nodeBody('a'.repeat(101)), { contentType: 'application/json' }, 100))).toBe(413);
    expect(await refusal(readRequestBody(nodeBody('{}'), { contentType: 'application/json', contentLength: '5000' }, 100))).toBe(413);
  });
});

describe('readTextField', () => {
  const body = (value: unknown) => ({ type: 'json' as const, fields: { name: value } });

  it('trims and counts code points', () => {
    expect(readTextField(body('  ada  '), 'name', 64)).toBe('ada');
    expect(readTextField(body('😀'.repeat(64)), 'name', 64)).toBe('😀'.repeat(64));
  });

  it.each([[undefined], [''], ['  '], ['😀'.repeat(65)], [42], [null], [['a']], [{}]])('refuses %j with a 400 naming the field', (value) => {
    let caught: unknown;
    try {
      readTextField(body(value), 'name', 64);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DemoHttpError);
    expect((caught as DemoHttpError).status).toBe(400);
    expect((caught as DemoHttpError).field).toBe('name');
  });
});
