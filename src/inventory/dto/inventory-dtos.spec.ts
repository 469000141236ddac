import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AllocateStockDto } from './allocate-stock.dto';
import { CreateItemDto } from './create-item.dto';
import { CreateOrderDto } from './create-order.dto';
import { MoveStageDto } from './move-stage.dto';
import { ReceiveStockDto } from './receive-stock.dto';

/** Validates like the global pipe does (whitelist + forbidNonWhitelisted, no implicit conversion). */
function fieldsWithErrors<T extends object>(cls: new () => T, plain: unknown): string[] {
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false }) as object;
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const flat = (es: typeof errors, parent = ''): string[] =>
    es.flatMap((e) => {
      const field = parent ? `${parent}.${e.property}` : e.property;
      return [...(e.constraints ? [field] : []), ...flat(e.children ?? [], field)];
    });
  return flat(errors);
}

const BAD_QUANTITIES: unknown[] = [0, -1, 1.5, 'two', '5', null, true, {}, []];

describe('inventory DTOs', () => {
  it('AllocateStockDto accepts a positive integer and rejects 0, −1, 1.5, "two", "5", null, …', () => {
    assert.deepEqual(fieldsWithErrors(AllocateStockDto, { quantity: 1, orderReference: 'JOB-1' }), []);
    for (const quantity of BAD_QUANTITIES) {
      assert.deepEqual(fieldsWithErrors(AllocateStockDto, { quantity, orderReference: 'JOB-1' }), ['quantity'], JSON.stringify(quantity));
    }
    assert.deepEqual(fieldsWithErrors(AllocateStockDto, {}).sort(), ['orderReference', 'quantity']);
    assert.deepEqual(fieldsWithErrors(AllocateStockDto, { quantity: 1, orderReference: 'x', extra: 1 }), ['extra']);
  });

  it('ReceiveStockDto needs a positive integer quantity and a reference', () => {
    assert.deepEqual(fieldsWithErrors(ReceiveStockDto, { quantity: 5, reference: 'PO-1' }), []);
    for (const quantity of BAD_QUANTITIES) assert.deepEqual(fieldsWithErrors(ReceiveStockDto, { quantity, reference: 'PO-1' }), ['quantity']);
    assert.deepEqual(fieldsWithErrors(ReceiveStockDto, { quantity: 5 }), ['reference']);
  });

  it('CreateItemDto allows an opening quantity of 0 but not −1 or 1.5', () => {
    const ok = { sku: 'A-1', name: 'A', quantityOnHand: 0 };
    assert.deepEqual(fieldsWithErrors(CreateItemDto, ok), []);
    assert.deepEqual(fieldsWithErrors(CreateItemDto, { ...ok, quantityOnHand: -1 }), ['quantityOnHand']);
    assert.deepEqual(fieldsWithErrors(CreateItemDto, { ...ok, quantityOnHand: 1.5 }), ['quantityOnHand']);
    assert.deepEqual(fieldsWithErrors(CreateItemDto, { ...ok, sku: '' }), ['sku']);
    assert.deepEqual(fieldsWithErrors(CreateItemDto, { ...ok, sku: 'a b' }), ['sku']);
  });

  it('CreateOrderDto validates each line, refuses an empty order and a repeated item', () => {
    const itemId = '665f1c2e8b3e4a0012345678';
    assert.deepEqual(fieldsWithErrors(CreateOrderDto, { customerName: 'C', lines: [{ itemId, quantity: 2 }] }), []);
    assert.deepEqual(fieldsWithErrors(CreateOrderDto, { customerName: 'C', lines: [] }), ['lines']);
    assert.deepEqual(fieldsWithErrors(CreateOrderDto, { customerName: 'C', lines: [{ itemId, quantity: 0 }] }), ['lines.0.quantity']);
    assert.deepEqual(fieldsWithErrors(CreateOrderDto, { customerName: 'C', lines: [{ itemId: 'nope', quantity: 1 }] }), ['lines.0.itemId']);
    assert.deepEqual(
      fieldsWithErrors(CreateOrderDto, { customerName: 'C', lines: [{ itemId, quantity: 1 }, { itemId, quantity: 2 }] }),
      ['lines'],
    );
    assert.deepEqual(fieldsWithErrors(CreateOrderDto, { lines: [{ itemId, quantity: 1 }] }), ['customerName']);
  });

  it('MoveStageDto only knows the job-card stages', () => {
    assert.deepEqual(fieldsWithErrors(MoveStageDto, { from: 'queued', to: 'slitting' }), []);
    assert.deepEqual(fieldsWithErrors(MoveStageDto, { from: 'queued', to: 'shipped' }), ['to']);
  });
});
