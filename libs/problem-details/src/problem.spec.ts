import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { NotFoundError, UnauthenticatedError } from './http-problems';
import { AppError, defineProblem } from './problem';
import { resolveProblem } from './problem-details.filter';

class OutOfPaperError extends defineProblem({ status: 409, code: 'out-of-paper', title: 'Out of paper' }, (tray: number, detail = `Tray ${tray} is empty.`) => ({
  detail,
  extensions: { tray },
  headers: { 'retry-after': '5' },
})) {
  readonly tray = this.extensions.tray as number;
}

describe(defineProblem.name, () => {
  it('makes a named AppError subclass whose status, code and title are fixed, and whose arguments describe the occurrence', () => {
    const error = new OutOfPaperError(2);
    assert.ok(error instanceof OutOfPaperError);
    assert.ok(error instanceof AppError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'OutOfPaperError');
    assert.deepEqual([error.status, error.code, error.title, error.detail, error.message], [409, 'out-of-paper', 'Out of paper', 'Tray 2 is empty.', 'Tray 2 is empty.']);
    assert.deepEqual(error.extensions, { tray: 2 });
    assert.deepEqual(error.headers, { 'retry-after': '5' });
    assert.equal(error.tray, 2);
    assert.equal(new OutOfPaperError(3, 'Jammed.').detail, 'Jammed.');
  });

  it('exposes the type statically, for the Swagger decorators', () => {
    assert.deepEqual(OutOfPaperError.problem, { status: 409, code: 'out-of-paper', title: 'Out of paper' });
    assert.deepEqual(NotFoundError.problem, { status: 404, code: 'not-found', title: 'Not found' });
    assert.ok(Object.isFrozen(OutOfPaperError.problem));
  });

  it('renders as the same Problem Details body and headers a hand-written subclass did', () => {
    assert.deepEqual(resolveProblem(new OutOfPaperError(1), '/api/v1/print'), {
      body: { type: '/problems/out-of-paper', title: 'Out of paper', status: 409, detail: 'Tray 1 is empty.', instance: '/api/v1/print', code: 'out-of-paper', tray: 1 },
      headers: { 'retry-after': '5' },
      fault: false,
    });
    assert.deepEqual(resolveProblem(new UnauthenticatedError(), '/x').headers, { 'www-authenticate': 'Bearer' });
  });
});

describe(resolveProblem.name, () => {
  const driverError = Object.assign(new Error('E11000 duplicate key'), { code: 11000 });

  it('asks the translators, in order, about an exception it does not know, and answers a generic 500 when none does', () => {
    assert.equal(resolveProblem(driverError, '/x').body.status, 500);
    const translated = resolveProblem(driverError, '/x', [() => undefined, (e) => (e === driverError ? new NotFoundError('Thing') : undefined), () => new UnauthenticatedError()]);
    assert.equal(translated.body.code, 'not-found');
    assert.equal(translated.body.detail, 'Thing not found.');
  });

  it('never lets a translator re-map an AppError or an HttpException', () => {
    const translators = [() => new UnauthenticatedError()];
    assert.equal(resolveProblem(new NotFoundError(), '/x', translators).body.code, 'not-found');
    assert.equal(resolveProblem(new HttpException('Gone away', 410), '/x', translators).body.code, 'gone');
  });
});
