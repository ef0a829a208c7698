import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docBlocks, documents } from './doc-blocks.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const root = join(here, '..', '..');

describe('the TypeScript blocks of the READMEs and guides', () => {
  const blocks = docBlocks(root, documents(root));

  it('are found (the quick start and every package README have some)', () => {
    expect(blocks.length).toBeGreaterThan(30);
    expect(blocks.some((block) => block.file === 'README.md')).toBe(true);
  });

  it('compile under --strict against the packages they describe', () => {
    const folder = join(here, 'blocks');
    const origins = new Map<string, number>();
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    // A block whose first line names its file (`// src/session.test.ts`, a Nitro `// server/api/x.ts`)
    // is written there, in a folder of its document, so that the blocks of one guide can import each
    // other as the files they show.
    const names = blocks.map((block, index) => {
      const named = /^\/\/ ((?:src|server)\/[\w./-]+\.ts)\s*$/.exec(block.code.split('\n')[0] ?? '');
      const documentFolder = block.file.replace(/[^A-Za-z0-9]+/g, '-');
      const name = join(documentFolder, named ? named[1]! : `block-${block.line}.ts`);
      mkdirSync(join(folder, name, '..'), { recursive: true });
      writeFileSync(join(folder, name), `${block.code}\nexport {};\n`);
      origins.set(name, index);
      return name;
    });
    // A block that declares the app's session data (`declare module '@sess/core'`) types every
    // session of its program: it gets a program of its own, the other blocks share one.
    const declaresData = (name: string) => blocks[origins.get(name)!]!.code.includes("declare module '@sess/core'");
    const programs = [names.filter((name) => !declaresData(name)), ...names.filter(declaresData).map((name) => [name])];
    // What an app that uses these packages has loaded anyway: their types and augmentations.
    writeFileSync(join(folder, 'packages.ts'), "import type {} from '@sess/core';\nimport type {} from '@sess/express';\nimport type {} from '@sess/koa';\nimport type {} from '@sess/hono';\nimport type {} from '@sess/fastify';\n");
    let output = '';
    programs.forEach((files, index) => {
      const tsconfig = join(folder, `tsconfig.${index}.json`);
      writeFileSync(
        tsconfig,
        JSON.stringify({
          extends: '../../../tsconfig.base.json',
          compilerOptions: { types: ['node'], noEmit: true, noUnusedLocals: false, module: 'ESNext', moduleResolution: 'Bundler' },
          files: ['packages.ts', ...files],
        }),
      );
      try {
        execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig], { encoding: 'utf8', cwd: folder });
      } catch (error) {
        output += String((error as { stdout?: string }).stdout ?? error);
      }
    });
    // Point each error at the document and its line.
    const located = output.replace(/^([^\s(]+\.ts)\((\d+),(\d+)\)/gm, (match, name: string, line: string) => {
      const index = origins.get(name);
      if (index === undefined) return match;
      const block = blocks[index]!;
      return `${block.file}:${block.line + Number(line) - 1}`;
    });
    expect(located).toBe('');
    // A few tsc runs: seconds each on a quiet machine, more while other suites run.
  }, 180_000);
});
