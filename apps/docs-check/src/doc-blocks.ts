/**
 * The TypeScript blocks of the project's Markdown: every ```ts fence of the root README, each
 * package's README and guides, and CONTRIBUTING, with where it stands, so that a type error points
 * at the line of the document.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One ```ts block of a document. */
export interface DocBlock {
  /** The document, relative to the repository root. */
  readonly file: string;
  /** The 1-based line of the block's first code line in the document. */
  readonly line: number;
  /** The code. */
  readonly code: string;
}

/** The documents whose blocks are checked. */
export function documents(root: string): string[] {
  const found = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md'].map((name) => join(root, name));
  for (const folder of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, folder)).sort()) {
      const readme = join(root, folder, name, 'README.md');
      if (existsSync(readme)) found.push(readme);
      const docs = join(root, folder, name, 'docs');
      if (existsSync(docs)) for (const doc of readdirSync(docs).sort()) if (doc.endsWith('.md')) found.push(join(docs, doc));
    }
  }
  return found.filter((file) => existsSync(file));
}

/** Every ```ts block of `files`. */
export function docBlocks(root: string, files: readonly string[]): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*```ts\s*$/.test(lines[i]!)) continue;
      const indent = /^\s*/.exec(lines[i]!)![0].length;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
      const code = lines
        .slice(start, end)
        .map((line) => line.slice(Math.min(indent, /^\s*/.exec(line)![0].length)))
        .join('\n');
      blocks.push({ file: relative(root, file), line: start + 1, code });
      i = end;
    }
  }
  return blocks;
}
