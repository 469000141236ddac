/**
 * The `failCommand` fail point (configureFailPoint), as mongod's test commands provide it:
 * modes `{times: n}`, `{skip: n}`, `alwaysOn`, `off`; data `failCommands`, `errorCode`,
 * `errorLabels`, `closeConnection`, `writeConcernError`, `blockConnection`/`blockTimeMS`,
 * `appName`, `namespace`.
 */
import { Doc, isNumeric, isPlainObject, toNumber } from './bson/values';
import { CommandError } from './errors';

export interface FailCommandData {
  failCommands: string[];
  errorCode?: number;
  errorLabels?: string[];
  errmsg?: string;
  closeConnection?: boolean;
  writeConcernError?: Doc;
  blockConnection?: boolean;
  blockTimeMS?: number;
  appName?: string;
  namespace?: string;
}

interface Active {
  data: FailCommandData;
  times?: number;
  skip: number;
}

/** `onPrimaryTransactionalWrite`: fires around each retryable-write statement's commit. */
export interface TransactionalWriteData {
  closeConnection: boolean;
  failBeforeCommitExceptionCode?: number;
}

interface ActiveWrite {
  data: TransactionalWriteData;
  times?: number;
  skip: number;
}

export class FailPoints {
  private active?: Active;
  private activeWrite?: ActiveWrite;
  private entered = 0;

  /** Handles `configureFailPoint`; returns the reply fields. */
  configure(body: Doc): Doc {
    const name = body.configureFailPoint;
    if (name === 'onPrimaryTransactionalWrite') return this.configureWrite(body);
    if (name !== 'failCommand') {
      throw new CommandError(2, `Cannot find failpoint with name ${String(name)} (the emulator implements failCommand and onPrimaryTransactionalWrite)`);
    }
    const mode = body.mode;
    const before = this.entered;
    if (mode === 'off') {
      this.active = undefined;
      return { count: before };
    }
    const rawData = isPlainObject(body.data) ? body.data : {};
    const failCommands = Array.isArray(rawData.failCommands) ? rawData.failCommands.map(String) : [];
    if (failCommands.length === 0) throw new CommandError(2, "'failCommands' must be a non-empty array of strings");
    const data: FailCommandData = {
      failCommands,
      errorCode: rawData.errorCode === undefined ? undefined : toNumber(rawData.errorCode),
      errorLabels: Array.isArray(rawData.errorLabels) ? rawData.errorLabels.map(String) : undefined,
      errmsg: typeof rawData.errmsg === 'string' ? rawData.errmsg : undefined,
      closeConnection: rawData.closeConnection === true,
      writeConcernError: isPlainObject(rawData.writeConcernError) ? rawData.writeConcernError : undefined,
      blockConnection: rawData.blockConnection === true,
      blockTimeMS: rawData.blockTimeMS === undefined ? undefined : toNumber(rawData.blockTimeMS),
      appName: typeof rawData.appName === 'string' ? rawData.appName : undefined,
      namespace: typeof rawData.namespace === 'string' ? rawData.namespace : undefined,
    };
    if (mode === 'alwaysOn') this.active = { data, skip: 0 };
    else if (isPlainObject(mode) && isNumeric(mode.times)) this.active = { data, times: toNumber(mode.times), skip: 0 };
    else if (isPlainObject(mode) && isNumeric(mode.skip)) this.active = { data, skip: toNumber(mode.skip) };
    else throw new CommandError(2, `Invalid fail point mode: ${JSON.stringify(mode)}`);
    if (this.active.times === 0) this.active = undefined;
    this.entered = 0;
    return { count: before };
  }

  /** The fail point data if it fires for this command (consuming one activation). */
  check(commandName: string, appName: string | undefined, ns: string | undefined): FailCommandData | undefined {
    const a = this.active;
    if (!a) return undefined;
    if (!a.data.failCommands.includes(commandName)) return undefined;
    if (a.data.appName !== undefined && a.data.appName !== appName) return undefined;
    if (a.data.namespace !== undefined && ns !== undefined && a.data.namespace !== ns) return undefined;
    if (a.skip > 0) {
      a.skip--;
      return undefined;
    }
    this.entered++;
    if (a.times !== undefined) {
      a.times--;
      if (a.times <= 0) this.active = undefined;
    }
    return a.data;
  }

  private configureWrite(body: Doc): Doc {
    const mode = body.mode;
    if (mode === 'off') {
      this.activeWrite = undefined;
      return { count: 0 };
    }
    const raw = isPlainObject(body.data) ? body.data : {};
    const data: TransactionalWriteData = {
      closeConnection: raw.closeConnection === undefined ? true : raw.closeConnection === true,
      failBeforeCommitExceptionCode: raw.failBeforeCommitExceptionCode === undefined ? undefined : toNumber(raw.failBeforeCommitExceptionCode),
    };
    if (mode === 'alwaysOn') this.activeWrite = { data, skip: 0 };
    else if (isPlainObject(mode) && isNumeric(mode.times)) this.activeWrite = { data, times: toNumber(mode.times), skip: 0 };
    else if (isPlainObject(mode) && isNumeric(mode.skip)) this.activeWrite = { data, skip: toNumber(mode.skip) };
    else throw new CommandError(2, `Invalid fail point mode: ${JSON.stringify(mode)}`);
    if (this.activeWrite.times === 0) this.activeWrite = undefined;
    return { count: 0 };
  }

  /** onPrimaryTransactionalWrite data if it fires for the statement about to be written. */
  checkTransactionalWrite(): TransactionalWriteData | undefined {
    const a = this.activeWrite;
    if (!a) return undefined;
    if (a.skip > 0) {
      a.skip--;
      return undefined;
    }
    if (a.times !== undefined) {
      a.times--;
      if (a.times <= 0) this.activeWrite = undefined;
    }
    return a.data;
  }

  clear(): void {
    this.active = undefined;
    this.activeWrite = undefined;
  }
}
