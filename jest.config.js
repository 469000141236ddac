// Jest runs the three tiers as projects: `jest --selectProjects unit|e2e|conformance`.
//
// NestJS 12 and some of its dependencies ship only as ES modules. Jest's CommonJS runtime
// cannot require them, and its native-ESM mode (--experimental-vm-modules) is still
// experimental on Node 20, so those packages go through the same swc transform as our own
// code (to CommonJS). Which packages that is, is read from node_modules (nested ones too) at
// start-up (package.json `type: module`; their `.cjs` files, if any, are left alone), so a
// new ESM-only dependency needs no edit here.
'use strict';
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

function esmOnlyPackages(dir = join(__dirname, 'node_modules'), names = new Set()) {
  const consider = (path, name) => {
    try {
      if (JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).type === 'module') names.add(name);
    } catch {
      // not a package
    }
    // A dependency's own node_modules may hold ESM-only versions of other packages.
    if (existsSync(join(path, 'node_modules'))) esmOnlyPackages(join(path, 'node_modules'), names);
  };
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of readdirSync(join(dir, entry))) consider(join(dir, entry, sub), `${entry}/${sub}`);
    else consider(join(dir, entry), entry);
  }
  return [...names];
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esm = esmOnlyPackages();

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // The driver loads `os` with a dynamic import(), which Jest's CommonJS runtime refuses (the
  // client's handshake metadata would then be empty, and fail points keyed by appName miss):
  // swc turns that one file's import() into require().
  // The pattern looks at the innermost node_modules segment of a path only, so an ESM-only
  // package nested inside a CommonJS one is transformed too.
  transformIgnorePatterns: [
    `/node_modules/(?!(?:${esm.map(escape).join('|')})/|mongodb/lib/runtime_adapters\\.js$)(?:@[^/]+/)?[^/]+/(?!.*node_modules/)`,
  ],
  moduleNameMapper: {
    '^@app/concurrency$': '<rootDir>/libs/concurrency/src',
    '^@app/concurrency/(.*)$': '<rootDir>/libs/concurrency/src/$1',
    '^@app/mongo-emulator$': '<rootDir>/libs/mongo-emulator/src',
    '^@app/mongo-emulator/(.*)$': '<rootDir>/libs/mongo-emulator/src/$1',
    '^@app/problem-details$': '<rootDir>/libs/problem-details/src',
    '^@app/problem-details/(.*)$': '<rootDir>/libs/problem-details/src/$1',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  // Both cores: one test file per worker (each e2e file boots its own app and emulator).
  maxWorkers: process.env.JEST_WORKERS ?? 2,
  // Race suites fire hundreds of requests and wait for bounded retries; a hung test still fails.
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/summary-line-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/src', '<rootDir>/test/conformance', '<rootDir>/test/lint'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
    {
      ...shared,
      displayName: 'conformance',
      roots: ['<rootDir>/test/conformance'],
      testMatch: ['**/*.conformance-spec.ts'],
      globalSetup: '<rootDir>/test/conformance/global-setup.ts',
      globalTeardown: '<rootDir>/test/conformance/global-teardown.ts',
    },
  ],
};
