#!/usr/bin/env node
// `npm start` must work right after `npm ci`: build when dist/ is missing or older than any source.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'libs')), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (built >= sources) process.exit(0);
console.log(
  `${built ? 'dist/ is older than the sources' : 'First start: no build yet'} — compiling src/ and libs/ into dist/ with \`nest build\` ` +
    '(TypeScript, type-checked; about a minute on 2 cores, once)...',
);
const started = Date.now();
const r = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (r.status === 0) console.log(`Built dist/ in ${seconds} s.`);
else console.error(`nest build failed after ${seconds} s (exit ${r.status ?? r.signal}).`);
process.exit(r.status ?? 1);
