/**
 * Progress of a long run on standard error (standard output keeps only the result, for scripts):
 * a line every second while something takes longer than that.
 */

/** Where progress goes. */
export interface ProgressOutput {
  write(text: string): unknown;
}

/** Reports `what` once a second, with the latest count if there is one, until `stop()`. */
export function startProgress(output: ProgressOutput, what: string, intervalMs = 1000): { update(seen: number): void; stop(): void } {
  const started = Date.now();
  let seen: number | undefined;
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    output.write(`${what}: ${seen === undefined ? 'working' : `${seen} so far`} (${seconds} s)\n`);
  }, intervalMs);
  timer.unref();
  return {
    update(count: number) {
      seen = count;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
