import 'reflect-metadata';
import { Inject } from '@nestjs/common';
import { PROPERTY_DEPS_METADATA } from '@nestjs/common/constants';
import { Propagation } from './propagation';
import { TransactionOptions, TransactionRunner } from './transaction-runner';

/** Options of {@link Transactional}. */
export interface TransactionalOptions extends TransactionOptions {
  /** The mongoose connection whose ConcurrencyModule runs the transaction (default: the default connection). */
  connectionName?: string;
  /**
   * The runner's `keys`, from the call's arguments: what this call will write that concurrent
   * calls also write. Calls sharing a key start one after another in this process instead of
   * colliding in write conflicts (timing only; MongoDB still decides every conflict).
   * e.g. `serializeOn: (actor, itemId) => ['item:' + itemId]`
   */
  serializeOn?: (...args: any[]) => Iterable<string>;
}

/** DI token of the TransactionRunner of a connection (the class itself for the default connection). */
export function getTransactionRunnerToken(connectionName?: string): typeof TransactionRunner | string {
  return connectionName ? `TransactionRunner:${connectionName}` : TransactionRunner;
}

/** Where Nest injects a decorated class's runner (a property per connection, set before any method can run). */
function runnerProperty(connectionName?: string): string {
  return `__transactionRunner:${connectionName ?? 'default'}`;
}

/**
 * Runs the method in a MongoDB transaction (see {@link TransactionRunner}): every mongoose
 * call inside joins it without a session argument; the whole method re-runs on write
 * conflicts, so it must be free of external side effects (use the outbox).
 *
 * The runner of the connection reaches the instance through Nest's property injection, so
 * the class must be a provider or controller of an app that imports ConcurrencyModule.
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
    const className = (target as { constructor: { name: string } }).constructor.name;
    const name = options.name ?? `${className}.${String(propertyKey)}`;
    const { connectionName, serializeOn, ...rest } = options;
    const runOptions: TransactionOptions = { ...rest, name, propagation: options.propagation ?? Propagation.REQUIRED };
    const property = runnerProperty(connectionName);
    const deps = (Reflect.getMetadata(PROPERTY_DEPS_METADATA, target.constructor) ?? []) as Array<{ key: string }>;
    if (!deps.some((d) => d.key === property)) Inject(getTransactionRunnerToken(connectionName))(target, property);
    const wrapped = function (this: Record<string, TransactionRunner | undefined>, ...args: unknown[]): Promise<unknown> {
      const runner = this[property];
      if (!runner) {
        return Promise.reject(
          new Error(`${name}: @Transactional() needs ${className} to be created by Nest in an app that imports ConcurrencyModule.forRoot(${connectionName ? `{ connectionName: '${connectionName}' }` : ''}).`),
        );
      }
      return runner.run(() => original.apply(this, args), serializeOn ? { ...runOptions, keys: serializeOn.apply(this, args) } : runOptions);
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
