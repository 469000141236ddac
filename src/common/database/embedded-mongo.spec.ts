import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { DEFAULT_DEV_DBPATH, embeddedDbPath } from './embedded-mongo';

describe(embeddedDbPath.name, () => {
  it('keeps development data in the git-ignored default folder, and tests and production in memory', () => {
    assert.equal(embeddedDbPath({ NODE_ENV: 'development' }), resolve(DEFAULT_DEV_DBPATH));
    assert.equal(embeddedDbPath({ NODE_ENV: 'test' }), undefined);
    assert.equal(embeddedDbPath({ NODE_ENV: 'production' }), undefined);
  });

  it('follows MONGODB_EMULATOR_DBPATH: a directory, or memory', () => {
    assert.equal(embeddedDbPath({ NODE_ENV: 'test', MONGODB_EMULATOR_DBPATH: 'tmp/x' }), resolve('tmp/x'));
    assert.equal(embeddedDbPath({ NODE_ENV: 'development', MONGODB_EMULATOR_DBPATH: 'memory' }), undefined);
  });
});
