#!/usr/bin/env node
// Runs a tier of the test suite with Node's built-in runner.
// Node 20 has no glob support in `node --test`, so the files are collected here.
// Usage: node scripts/test.js <unit|e2e> [filter-substring...]
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const tiers = {
  // Unit and integration specs live beside the code they test.
  unit: { dirs: ['libs', 'src', 'test/conformance'], suffix: '.spec.ts' },
  // e2e and race suites drive the HTTP API.
  e2e: { dirs: ['test'], suffix: '.e2e-spec.ts' },
};

function walk(dir, suffix, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, suffix, out);
    else if (name.endsWith(suffix)) out.push(relative(root, path));
  }
  return out;
}

const [tierName, ...filters] = process.argv.slice(2);
const tier = tiers[tierName];
if (!tier) {
  console.error(`usage: node scripts/test.js <${Object.keys(tiers).join('|')}> [filter...]`);
  process.exit(2);
}
let files = tier.dirs.flatMap((d) => walk(join(root, d), tier.suffix, [])).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.log(`no ${tierName} test files found`);
  process.exit(filters.length ? 1 : 0);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--require', '@swc-node/register', '--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
);
process.exit(result.status ?? 1);
