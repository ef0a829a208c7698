import { DemoHttpError } from './demo-http-error.js';
import type { RequestBody } from './request-body.js';

/** Longest name or cart item, in Unicode code points after trimming. */
export const MAX_NAME_LENGTH = 64;

/** Longest flash message, in Unicode code points after trimming. */
export const MAX_MESSAGE_LENGTH = 200;

/**
 * The trimmed string in `body[field]`, when it is a string of 1 to `maxLength` code points.
 * Anything else (missing, not a string, empty, blank, too long, given twice) is a 400 naming the field.
 */
export function readTextField(body: RequestBody, field: string, maxLength: number): string {
  const value = body.fields[field];
  if (value === undefined) {
    throw new DemoHttpError(400, 'missing_field', `"${field}" is required: a text of 1 to ${maxLength} characters.`, field);
  }
  if (typeof value !== 'string') {
    throw new DemoHttpError(400, 'invalid_field', `"${field}" must be a single string of 1 to ${maxLength} characters.`, field);
  }
  const trimmed = value.trim();
  // Count code points, not UTF-16 units: an emoji is one character to the user.
  const length = [...trimmed].length;
  if (length === 0) {
    throw new DemoHttpError(400, 'invalid_field', `"${field}" must not be empty.`, field);
  }
  if (length > maxLength) {
    throw new DemoHttpError(400, 'invalid_field', `"${field}" must be at most ${maxLength} characters (got ${length}).`, field);
  }
  return trimmed;
}
