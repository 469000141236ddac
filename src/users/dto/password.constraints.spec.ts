import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { passwordProblem } from './password.constraints';

describe('passwordProblem', () => {
  it('refuses whitespace-only, control characters and common passwords', () => {
    assert.match(passwordProblem(' '.repeat(12))!, /whitespace/);
    assert.match(passwordProblem('\t\n\u3000'.repeat(4))!, /whitespace/);
    assert.match(passwordProblem('\u0000'.repeat(10))!, /control/);
    assert.match(passwordProblem('good-horse\u0007battery')!, /control/);
    for (const common of ['password1234', '1234567890', 'qwertyuiop', 'aaaaaaaaaaaa', 'iloveyou12345', 'letmein12345']) {
      assert.match(passwordProblem(common) ?? 'accepted', /too easy/, common);
    }
    assert.match(passwordProblem('ada.lovelace', ['ada.lovelace@acme.example'])!, /too easy/, 'the email itself');
  });

  it('accepts passphrases, including every example and test default in the project', () => {
    for (const ok of ['correct-horse-battery', 'another-long-passphrase', 'a-brand-new-passphrase', 'yet-another-password', 'new-password-3-xyz', 'correct-horse-battery-bench', 'k9#Lm2$pQz7w', 'violet rocket mango']) {
      assert.equal(passwordProblem(ok, ['admin-1-abcd@test.example', 'Test Admin']), undefined, ok);
    }
  });

  it('leaves type and length to the other validators', () => {
    assert.equal(passwordProblem(42), undefined);
    assert.equal(passwordProblem(' '.repeat(500)), undefined);
    assert.equal(passwordProblem('pass'), undefined);
  });
});
