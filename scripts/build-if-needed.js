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
console.log('Building (dist/ is missing or older than the sources)...');
const r = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
