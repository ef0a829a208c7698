/**
 * A request the app refuses on purpose (400, 413, 415...): the client's mistake, answered with a
 * JSON or HTML body that says what to fix, never with a 500.
 */
export class DemoHttpError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Stable machine-readable code, such as `invalid_field`. */
  readonly code: string;
  /** The request field at fault, when one is. */
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'DemoHttpError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}
