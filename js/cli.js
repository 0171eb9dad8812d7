#!/usr/bin/env node
// vitrine command line: `npx vitrine validate path/to/config.json`
// Prints every problem as `file: path: message` and exits 1 if there is any
// (2 for usage errors). CSS selectors are checked by the browser when vitrine
// starts; everything else is checked here.
import { readFile } from 'node:fs/promises';
import { validateConfig } from './index.js';

const [command, file, ...rest] = process.argv.slice(2);
if (command !== 'validate' || !file || rest.length > 0) {
  console.error('usage: vitrine validate <config.json>');
  process.exit(2);
}

let config;
try {
  config = JSON.parse(await readFile(file, 'utf8'));
} catch (error) {
  console.error(`${file}: ${error instanceof SyntaxError ? `not valid JSON (${error.message})` : error.message}`);
  process.exit(1);
}

const { ok, errors } = await validateConfig(config);
if (ok) {
  const rules = Array.isArray(config.rules) ? config.rules.length : 0;
  console.log(`${file}: valid (${rules} rule${rules === 1 ? '' : 's'})`);
} else {
  for (const { path, message } of errors) console.error(`${file}: ${path ? `${path}: ` : ''}${message}`);
  console.error(`${errors.length} problem${errors.length === 1 ? '' : 's'}`);
  process.exitCode = 1;
}
