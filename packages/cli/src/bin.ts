#!/usr/bin/env node
/** The `sess` executable. */
import { runCli } from './run-cli.js';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
