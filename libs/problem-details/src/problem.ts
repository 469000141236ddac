/**
 * Typed errors. Every error the application raises on purpose extends {@link AppError};
 * the single global ProblemDetailsFilter turns it into an RFC 9457 Problem Details
 * response. Modules declare their own with {@link defineProblem} next to their code;
 * nothing else needs to know about HTTP.
 */

/** A field-level validation problem, as listed in Problem Details `errors[]`. */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `lines.0.quantity`. */
  field: string;
  /** What is wrong with it, for a human. */
  message: string;
}

/** Constructor options shared by every {@link AppError}. */
export interface AppErrorOptions {
  /** Human-readable explanation specific to this occurrence. */
  detail?: string;
  /** Extra members for the Problem Details body (e.g. `{ currentVersion: 3 }`). */
  extensions?: Record<string, unknown>;
  /** Response headers to set (e.g. `{ 'retry-after': '1' }`). */
  headers?: Record<string, string>;
  /** The underlying error, kept for logs only, never sent to the client. */
  cause?: unknown;
}

/**
 * Base class of all intentional errors. `status` is the HTTP status, `code` a stable
 * machine-readable identifier (also the last segment of the Problem Details `type`).
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
  readonly detail?: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(options: AppErrorOptions = {}) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** What identifies a kind of problem: its HTTP status, stable `code` and `title`. */
export interface ProblemType {
  status: number;
  code: string;
  title: string;
}

/** An instance of a {@link defineProblem} class: its status, code and title are fixed. */
export interface DefinedProblem extends AppError {
  readonly status: number;
  readonly code: string;
  readonly title: string;
}

/** A class made by {@link defineProblem}: `new` takes the arguments of its `describe` function. */
export interface ProblemClass<Args extends unknown[]> {
  new (...args: Args): DefinedProblem;
  /** The status, code and title every instance carries (for `ApiProblemResponse({ ...X.problem, … })`). */
  readonly problem: ProblemType;
}

/**
 * The base class of one kind of problem: `type` fixes status, code and title, and `describe`
 * turns the constructor's arguments into the occurrence's detail, extension members and
 * headers. Extend the result so the error keeps its own name (and `instanceof`):
 *
 * ```ts
 * export class LastAdminError extends defineProblem({ status: 409, code: 'last-admin', title: 'Last admin' }, () => ({
 *   detail: 'The tenant must keep at least one admin; promote someone else first.',
 * })) {}
 * throw new LastAdminError();
 * ```
 */
export function defineProblem<Describe extends (...args: never[]) => AppErrorOptions = () => AppErrorOptions>(
  type: ProblemType,
  describe?: Describe,
): ProblemClass<Parameters<Describe>> {
  const problem: ProblemType = Object.freeze({ status: type.status, code: type.code, title: type.title });
  return class extends AppError {
    static readonly problem = problem;
    readonly status = problem.status;
    readonly code = problem.code;
    readonly title = problem.title;
    constructor(...args: Parameters<Describe>) {
      super(describe?.(...args));
    }
  };
}
