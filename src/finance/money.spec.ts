import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateTransferDto } from './dto/create-transfer.dto';
import { CreateInvoiceDto } from './dto/create-invoice.dto';
import { CURRENCIES, isMoney, lineTotal, MAX_MONEY, minorUnitsOf, NOT_MONEY_CODES } from './money';

const ids = { fromAccountId: '665f1c2e8b3e4a0012345678', toAccountId: '665f1c2e8b3e4a0012345679' };
const fieldsOf = (dto: object) => validateSync(dto, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);

describe('money', () => {
  it('isMoney accepts only non-negative safe integers', () => {
    for (const ok of [0, 1, 100, MAX_MONEY]) assert.equal(isMoney(ok), true, String(ok));
    for (const bad of [-1, 1.5, MAX_MONEY + 1, 1e30, Number.NaN, Infinity, '100', null, undefined]) assert.equal(isMoney(bad), false, String(bad));
  });

  it('lineTotal is exact and refuses totals beyond 2^53 − 1', () => {
    assert.equal(lineTotal([{ quantity: 3, unitPrice: 1_999 }, { quantity: 1, unitPrice: 1 }]), 5_998);
    assert.equal(lineTotal([{ quantity: 1_000_000, unitPrice: MAX_MONEY }]), undefined);
    assert.equal(lineTotal([{ quantity: 1, unitPrice: MAX_MONEY }, { quantity: 1, unitPrice: 1 }]), undefined);
    assert.equal(lineTotal([{ quantity: 1, unitPrice: MAX_MONEY }]), MAX_MONEY);
  });

  it('the amount validators refuse 0, −5, 1.5, "100", 1e30, null and missing values', () => {
    for (const amount of [0, -5, 1.5, '100', 1e30, null, undefined]) {
      const dto = plainToInstance(CreateTransferDto, { ...ids, amount, description: 'x' });
      assert.deepEqual(fieldsOf(dto), ['amount'], `amount ${String(amount)}`);
    }
    assert.deepEqual(fieldsOf(plainToInstance(CreateTransferDto, { ...ids, amount: 1, description: 'x' })), []);
  });

  it('a transfer to the same account is invalid', () => {
    const dto = plainToInstance(CreateTransferDto, { fromAccountId: ids.fromAccountId, toAccountId: ids.fromAccountId, amount: 1, description: 'x' });
    assert.deepEqual(fieldsOf(dto), ['toAccountId']);
  });

  it('currencies come from the known ISO 4217 list', () => {
    const body = { customerName: 'Acme', lines: [{ description: 'x', quantity: 1, unitPrice: 1 }] };
    for (const currency of ['eur', 'EUT', 'EURO', '', 5, null]) assert.deepEqual(fieldsOf(plainToInstance(CreateInvoiceDto, { ...body, currency })), ['currency'], String(currency));
    assert.deepEqual(fieldsOf(plainToInstance(CreateInvoiceDto, { ...body, currency: 'CHF' })), []);
  });

  it('every active ISO 4217 currency has its own exponent (JPY 0, EUR 2, SAR 2, KWD 3, IQD 3, CLF 4)', () => {
    assert.deepEqual(['JPY', 'EUR', 'SAR', 'KWD', 'IQD', 'CLF'].map(minorUnitsOf), [0, 2, 2, 3, 3, 4]);
    assert.ok(CURRENCIES.length > 150);
    for (const code of ['EUT', 'XAU', 'XXX', 'XTS', 'DEM']) assert.equal(CURRENCIES.includes(code), false, code);
    assert.throws(() => minorUnitsOf('EUT'));
  });

  it('the codes left out are exactly those ISO gives no minor unit ("N.A.") in the list currency-codes ships', () => {
    const xml = readFileSync(require.resolve('currency-codes/iso-4217-list-one.xml'), 'utf8');
    const noMinorUnit = new Set([...xml.matchAll(/<Ccy>(\w{3})<\/Ccy>\s*<CcyNbr>\d+<\/CcyNbr>\s*<CcyMnrUnts>N\.A\.<\/CcyMnrUnts>/g)].map((m) => m[1]));
    assert.deepEqual([...noMinorUnit].sort(), [...NOT_MONEY_CODES].sort());
  });
});
