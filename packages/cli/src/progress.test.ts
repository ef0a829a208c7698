import { describe, expect, it } from 'vitest';
import { startProgress } from './progress.js';

describe('startProgress', () => {
  it('reports a long run with the latest count, and nothing once stopped', async () => {
    const lines: string[] = [];
    const progress = startProgress({ write: (text: string) => lines.push(text) }, 'counting sessions', 20);
    await new Promise((resolve) => setTimeout(resolve, 70));
    progress.update(1234);
    await new Promise((resolve) => setTimeout(resolve, 70));
    progress.stop();
    const count = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines.length).toBe(count);
    expect(lines[0]).toMatch(/^counting sessions: working \(\d+ s\)\n$/);
    expect(lines.at(-1)).toMatch(/^counting sessions: 1234 so far \(\d+ s\)\n$/);
  });
});
