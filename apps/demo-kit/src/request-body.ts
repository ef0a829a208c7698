import { DemoHttpError } from './demo-http-error.js';

/** Largest request body the apps read, in bytes: far above any valid form, far below harm. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A parsed request body. */
export interface RequestBody {
  /** What the body was: a JSON object, a urlencoded form, or nothing. */
  type: 'json' | 'form' | 'empty';
  /**
   * The body's fields. JSON values as sent (so a number is caught by validation); a form field
   * given twice is an array of strings.
   */
  fields: Record<string, unknown>;
}

/** The request headers that decide how a body is read. */
export interface BodyHeaders {
  /** `Content-Type`. */
  contentType?: string | null | undefined;
  /** `Content-Length`. */
  contentLength?: string | null | undefined;
}

/** A body as Node (`IncomingMessage`) or the Fetch API (`Request.body`) gives it. */
export type BodySource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined;

/** The media type of a `Content-Type` header, lower-cased, without parameters (`''` when absent). */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a media type is JSON (`application/json` or any `+json` type). */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

async function* chunksOf(source: BodySource): AsyncGenerator<Uint8Array> {
  if (!source) return;
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Stop the upload when the body is refused half-way (too large).
      reader.cancel().catch(() => {});
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/** Reads at most `limit` bytes; more is a 413, whatever `Content-Length` claimed. */
async function readBytes(source: BodySource, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(limit: number): DemoHttpError {
  return new DemoHttpError(413, 'body_too_large', `The request body is larger than ${limit} bytes.`);
}

function unsupported(type: string): DemoHttpError {
  return new DemoHttpError(
    415,
    'unsupported_media_type',
    `Send application/json or application/x-www-form-urlencoded${type === '' ? '' : `, not ${type}`}.`,
  );
}

/**
 * Reads and parses a request body: JSON objects and urlencoded forms only. Refuses with a
 * {@link DemoHttpError}: 413 past `limit` bytes, 415 for any other content type (or a body without
 * one), 400 for malformed JSON, invalid UTF-8 or JSON that is not an object.
 */
export async function readRequestBody(source: BodySource, headers: BodyHeaders, limit = MAX_BODY_BYTES): Promise<RequestBody> {
  const contentType = headers.contentType ?? '';
  const type = mediaType(contentType);
  const json = isJsonMediaType(type);
  if (type !== '' && !json && type !== 'application/x-www-form-urlencoded') throw unsupported(type);
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new DemoHttpError(415, 'unsupported_charset', `Send the body as UTF-8, not ${charset}.`);
  }
  const declared = Number(headers.contentLength);
  if (headers.contentLength != null && Number.isFinite(declared) && declared > limit) throw tooLarge(limit);

  const bytes = await readBytes(source, limit);
  if (type === '') {
    if (bytes.byteLength > 0) throw unsupported(type);
    return { type: 'empty', fields: {} };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DemoHttpError(400, 'invalid_encoding', 'The request body is not valid UTF-8.');
  }
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new DemoHttpError(400, 'malformed_json', 'The request body is not valid JSON.');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DemoHttpError(400, 'invalid_body', 'The JSON body must be an object, such as {"username": "ada"}.');
    }
    return { type: 'json', fields: value as Record<string, unknown> };
  }
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = fields[key];
    if (previous === undefined) fields[key] = value;
    else fields[key] = Array.isArray(previous) ? [...(previous as string[]), value] : [previous, value];
  }
  return { type: 'form', fields };
}
