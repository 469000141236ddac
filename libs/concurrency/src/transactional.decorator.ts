import 'reflect-metadata';
import { Propagation } from './propagation';
import { TransactionOptions, transactions } from './transaction-runner';

/** Options of {@link Transactional}. */
export type TransactionalOptions = TransactionOptions;

/**
 * Runs the method in a MongoDB transaction (see {@link TransactionRunner}): every mongoose
 * call inside joins it without a session argument; the whole method re-runs on write
 * conflicts, so it must be free of external side effects (use the outbox).
 *
 * ```ts
 * @Transactional()
 * async allocate(dto: AllocateDto) { … }
 * @Transactional({ propagation: Propagation.REQUIRES_NEW, name: 'audit.append' })
 * ```
 */
export function Transactional(options: TransactionalOptions = {}): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') throw new Error(`@Transactional() applies to methods, not ${String(propertyKey)}`);
    const name = options.name ?? `${(target as { constructor: { name: string } }).constructor.name}.${String(propertyKey)}`;
    const runOptions: TransactionOptions = { ...options, name, propagation: options.propagation ?? Propagation.REQUIRED };
    const wrapped = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      return transactions.run(() => original.apply(this, args), runOptions);
    };
    Object.defineProperty(wrapped, 'name', { value: original.name });
    // Nest keeps route/guard/swagger metadata on the function itself: carry it over, so the
    // decorator can sit above or below @Post() and friends.
    for (const key of Reflect.getMetadataKeys(original)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapped);
    }
    descriptor.value = wrapped;
    return descriptor;
  };
}
