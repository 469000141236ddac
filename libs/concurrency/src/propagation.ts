/**
 * How a transactional method relates to a transaction already open in the caller
 * (the names and meanings of Spring / @nestjs-cls/transactional).
 */
export enum Propagation {
  /** Join the caller's transaction; open one if there is none. The default. */
  REQUIRED = 'REQUIRED',
  /** Always open an independent transaction that commits on its own, even inside another. */
  REQUIRES_NEW = 'REQUIRES_NEW',
  /** Join the caller's transaction; throw if there is none. */
  MANDATORY = 'MANDATORY',
  /** Run without a transaction; throw if called inside one. */
  NEVER = 'NEVER',
  /** Run without a transaction, suspending the caller's for the duration (its writes are not joined). */
  NOT_SUPPORTED = 'NOT_SUPPORTED',
}
