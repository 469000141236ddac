/**
 * Server error codes, code names and error labels, as mongod reports them.
 * Every failure the emulator returns goes through {@link CommandError} so that the reply
 * shape (`ok: 0, errmsg, code, codeName, errorLabels?`) is always MongoDB's.
 */

/** Code → codeName for every code the emulator can produce or a fail point may name. */
export const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'InternalError',
  2: 'BadValue',
  4: 'NoSuchKey',
  5: 'GraphContainsCycle',
  6: 'HostUnreachable',
  7: 'HostNotFound',
  8: 'UnknownError',
  9: 'FailedToParse',
  10: 'CannotMutateObject',
  11: 'UserNotFound',
  13: 'Unauthorized',
  14: 'TypeMismatch',
  15: 'Overflow',
  16: 'InvalidLength',
  17: 'ProtocolError',
  18: 'AuthenticationFailed',
  20: 'IllegalOperation',
  22: 'InvalidBSON',
  24: 'LockTimeout',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  28: 'PathNotViable',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  46: 'LockBusy',
  48: 'NamespaceExists',
  50: 'MaxTimeMSExpired',
  51: 'DollarPrefixedFieldName',
  52: 'DollarPrefixedFieldName',
  53: 'InvalidIdField',
  54: 'NotSingleValueField',
  55: 'InvalidDBRef',
  56: 'EmptyFieldName',
  57: 'DottedFieldName',
  59: 'CommandNotFound',
  61: 'ShardKeyNotFound',
  63: 'StaleShardVersion',
  64: 'WriteConcernFailed',
  66: 'ImmutableField',
  67: 'CannotCreateIndex',
  68: 'IndexAlreadyExists',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  79: 'UnknownReplWriteConcern',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  96: 'OperationFailed',
  100: 'UnsatisfiableWriteConcern',
  112: 'WriteConflict',
  115: 'CommandNotSupported',
  117: 'ConflictingOperationInProgress',
  121: 'DocumentValidationFailure',
  133: 'FailedToSatisfyReadPreference',
  134: 'ReadConcernMajorityNotAvailableYet',
  136: 'CappedPositionLost',
  148: 'OplogOperationUnsupported',
  150: 'StaleEpoch',
  166: 'CommandNotSupportedOnView',
  167: 'OptionNotSupportedOnView',
  168: 'InvalidPipelineOperator',
  175: 'QueryPlanKilled',
  189: 'PrimarySteppedDown',
  197: 'InvalidIndexSpecificationOption',
  211: 'KeyNotFound',
  225: 'TransactionTooOld',
  236: 'CursorInUse',
  239: 'SnapshotTooOld',
  244: 'TransactionAborted',
  246: 'SnapshotUnavailable',
  251: 'NoSuchTransaction',
  256: 'TransactionCommitted',
  257: 'TransactionTooLarge',
  260: 'InvalidResumeToken',
  262: 'ExceededTimeLimit',
  263: 'OperationNotSupportedInTransaction',
  267: 'PreparedTransactionInProgress',
  279: 'ClientDisconnect',
  280: 'ChangeStreamFatalError',
  286: 'ChangeStreamHistoryLost',
  290: 'TransactionExceededLifetimeLimitSeconds',
  10107: 'NotWritablePrimary',
  10334: 'BSONObjectTooLarge',
  11000: 'DuplicateKey',
  11600: 'InterruptedAtShutdown',
  11601: 'Interrupted',
  11602: 'InterruptedDueToReplStateChange',
  13297: 'DatabaseDifferCase',
  13435: 'NotPrimaryNoSecondaryOk',
  13436: 'NotPrimaryOrSecondary',
  14031: 'OutOfDiskSpace',
  15952: 'Location15952',
  16755: 'Location16755',
  17280: 'KeyTooLong',
  31253: 'Location31253',
  40324: 'Location40324',
  40352: 'Location40352',
  50692: 'Location50692',
};

/** Error codes mongod puts in the RetriableError category. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/** Snapshot-category codes (transient inside transactions). */
const SNAPSHOT_CODES: ReadonlySet<number> = new Set([239, 246]);

export const Label = {
  TransientTransactionError: 'TransientTransactionError',
  UnknownTransactionCommitResult: 'UnknownTransactionCommitResult',
  RetryableWriteError: 'RetryableWriteError',
} as const;

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `Location${code}`;
}

/**
 * A command failure. `extra` carries additional reply fields (keyPattern, keyValue, errInfo...).
 * `labels` are explicit labels (e.g. from a fail point); computed labels are added when the
 * reply is built, from the command's session context.
 */
export class CommandError extends Error {
  readonly codeName: string;
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    public labels?: string[],
  ) {
    super(message);
    this.codeName = codeName(code);
  }

  /** The error as a write error entry (`{index, code, errmsg, ...}`) of a batch reply. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Shorthands for the errors the emulator raises most. */
export const err = {
  badValue: (msg: string) => new CommandError(2, msg),
  failedToParse: (msg: string) => new CommandError(9, msg),
  typeMismatch: (msg: string) => new CommandError(14, msg),
  invalidOptions: (msg: string) => new CommandError(72, msg),
  invalidNamespace: (msg: string) => new CommandError(73, msg),
  namespaceNotFound: (msg: string) => new CommandError(26, msg),
  commandNotFound: (name: string) =>
    new CommandError(59, `no such command: '${name}'`),
  writeConflict: () =>
    new CommandError(
      112,
      'WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.',
    ),
  noSuchTransaction: (msg: string) => new CommandError(251, msg),
  maxTimeMSExpired: () => new CommandError(50, 'operation exceeded time limit'),
};

/** Inputs of mongod's error label computation (ErrorLabelBuilder). */
export interface LabelContext {
  commandName: string;
  hasTxnNumber: boolean;
  /** The `autocommit` field is present (only ever `false`): the command runs in a transaction. */
  inTransaction: boolean;
  writeConcernErrorCode?: number;
  /** Labels a fail point imposes instead of the computed ones. */
  explicitLabels?: string[];
}

/**
 * Labels mongod attaches to an error reply: TransientTransactionError for transient codes
 * inside a transaction, RetryableWriteError for retryable codes on retryable writes and on
 * commitTransaction/abortTransaction.
 */
export function computeErrorLabels(code: number | undefined, ctx: LabelContext): string[] {
  const labels: string[] = [];
  const isCommitOrAbort = ctx.commandName === 'commitTransaction' || ctx.commandName === 'abortTransaction';
  const hasWce = ctx.writeConcernErrorCode !== undefined;
  if (code !== undefined && ctx.hasTxnNumber && ctx.inTransaction) {
    let transient = code === 112 || code === 24 || code === 267 || SNAPSHOT_CODES.has(code);
    if (isCommitOrAbort) transient ||= code === 251 && !hasWce;
    else transient ||= RETRYABLE_CODES.has(code) || code === 251;
    if (transient) {
      labels.push(Label.TransientTransactionError);
      return labels;
    }
  }
  const retryableWrite = ctx.hasTxnNumber && !ctx.inTransaction;
  const commitOrAbort = ctx.hasTxnNumber && ctx.inTransaction && isCommitOrAbort;
  if (retryableWrite || commitOrAbort) {
    if ((code !== undefined && RETRYABLE_CODES.has(code)) || (hasWce && RETRYABLE_CODES.has(ctx.writeConcernErrorCode!))) {
      labels.push(Label.RetryableWriteError);
    }
  }
  return labels;
}
