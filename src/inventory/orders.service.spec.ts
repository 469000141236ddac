import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { InvalidStateError, SequencesService } from '@app/concurrency';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import type { OrderRecord } from './order.schema';
import type { OrderRepository } from './order.repository';
import { OrdersService } from './orders.service';
import type { StockService } from './stock.service';

const ID = '665f1c2e8b3e4a0012345678';
const actor: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Manager], sessionId: 's1' };

function order(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const now = new Date();
  return {
    _id: new Types.ObjectId(ID),
    tenantId: 't1',
    orderNumber: 'SO-000001',
    customerName: 'C',
    notes: '',
    status: 'confirmed',
    stage: 'slitting',
    lines: [],
    version: 2,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function service(repo: Partial<OrderRepository>): OrdersService {
  return new OrdersService(repo as OrderRepository, {} as StockService, {} as SequencesService);
}

describe(OrdersService.name, () => {
  describe('moveStage', () => {
    it('refuses anything but the next stage with 400, before touching the order', async () => {
      let touched = false;
      const orders = service({ moveStage: async () => ((touched = true), order()) });
      for (const [from, to] of [['queued', 'winding'], ['slitting', 'queued'], ['queued', 'queued'], ['done', 'done']] as const) {
        await assert.rejects(orders.moveStage(actor, ID, { from, to }), ValidationFailedError, `${from} → ${to}`);
      }
      assert.equal(touched, false);
    });

    it('moves one step through the guarded repository transition', async () => {
      const calls: unknown[] = [];
      const orders = service({ moveStage: async (...args) => (calls.push(args), order()) });
      const moved = await orders.moveStage(actor, ID, { from: 'queued', to: 'slitting' });
      assert.equal(moved.stage, 'slitting');
      assert.deepEqual(calls, [[{ _id: ID, tenantId: 't1' }, 'queued', 'slitting']]);
    });

    it('tells a cancelled order (409) from a missing one (404)', async () => {
      const cancelled = service({
        moveStage: async () => Promise.reject(new NotFoundError('Order')),
        findOne: async () => order({ status: 'cancelled' }),
      });
      await assert.rejects(cancelled.moveStage(actor, ID, { from: 'queued', to: 'slitting' }), (e: unknown) => {
        assert.ok(e instanceof InvalidStateError);
        assert.equal(e.extensions.currentState, 'cancelled');
        return true;
      });
      const missing = service({ moveStage: async () => Promise.reject(new NotFoundError('Order')), findOne: async () => null });
      await assert.rejects(missing.moveStage(actor, ID, { from: 'queued', to: 'slitting' }), NotFoundError);
    });
  });

  describe('update', () => {
    it('refuses an empty change with 400', async () => {
      await assert.rejects(service({}).update(actor, ID, 1, {}), ValidationFailedError);
    });
  });
});
