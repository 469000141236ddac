import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateTransferDto } from './dto/create-transfer.dto';
import { CreateInvoiceDto } from './dto/create-invoice.dto';
import { isMoney, lineTotal, MAX_MONEY } from './money';

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
});
