/** Runs the checks against the server at `base` (e.g. `http://127.0.0.1:8787`); rejects on the first failure. */
export function checkSessions(base: string): Promise<void>;
