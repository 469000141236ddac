/**
 * Identity and administration commands: hello/isMaster (a single-member replica set
 * primary, no streaming topologyVersion), ping, buildInfo, get/setParameter, serverStatus,
 * session bookkeeping and configureFailPoint.
 */
import { Long, ObjectId, Timestamp, UUID } from 'bson';
import { Doc, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { MAX_WIRE_VERSION, SERVER_VERSION } from '../version';
import { lsidKey } from '../sessions/server-session';
import { Clock } from '../storage/clock';
import { CommandContext, CommandSpec } from './context';

const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

function hello(ctx: CommandContext, legacy: boolean): Doc {
  const { server, body, conn } = ctx;
  const client = body.client;
  if (isPlainObject(client) && isPlainObject(client.application) && typeof client.application.name === 'string') {
    conn.appName = client.application.name;
  }
  const addr = server.address;
  const member = conn.member ?? 0;
  const ts: Timestamp = Clock.toTimestamp(server.engine.clock.now());
  const opTime = { ts, t: Long.fromNumber(1) };
  const now = new Date();
  const reply: Doc = {};
  if (body.helloOk === true) reply.helloOk = true;
  if (legacy) reply.ismaster = member === 0;
  else reply.isWritablePrimary = member === 0;
  Object.assign(reply, {
    hosts: server.hosts(),
    setName: server.options.replicaSetName,
    setVersion: 1,
    secondary: member !== 0,
    primary: addr,
    me: server.memberAddress(member),
    ...(member === 0 ? { electionId: ELECTION_ID } : {}),
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: now,
    logicalSessionTimeoutMinutes: server.options.logicalSessionTimeoutMinutes,
    connectionId: conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  });
  return reply;
}

const PARAMETERS = (ctx: CommandContext): Doc => ({
  featureCompatibilityVersion: { version: SERVER_VERSION.split('.').slice(0, 2).join('.') },
  transactionLifetimeLimitSeconds: ctx.server.options.transactionLifetimeLimitSeconds,
  maxTransactionLockRequestTimeoutMillis: 5,
  logicalSessionTimeoutMinutes: ctx.server.options.logicalSessionTimeoutMinutes,
  ttlMonitorSleepSecs: Math.max(1, Math.round(ctx.server.options.ttlMonitorIntervalMS / 1000)),
  minSnapshotHistoryWindowInSeconds: Math.round(ctx.server.options.historyWindowMS / 1000),
  cursorTimeoutMillis: ctx.server.options.cursorTimeoutMS,
  authenticationMechanisms: [],
  requireApiVersion: false,
});

export const handshakeCommands: Record<string, CommandSpec> = {
  hello: { run: (ctx) => hello(ctx, false) },
  isMaster: { run: (ctx) => hello(ctx, true) },
  ping: { run: () => ({}) },
  buildInfo: {
    run: () => ({
      version: SERVER_VERSION,
      gitVersion: 'mongo-emulator',
      versionArray: [...SERVER_VERSION.split('.').map(Number), 0],
      modules: [],
      allocator: 'system',
      javascriptEngine: 'none',
      sysInfo: 'deprecated',
      bits: 64,
      debug: false,
      maxBsonObjectSize: 16 * 1024 * 1024,
      storageEngines: ['inMemory'],
      openssl: { running: 'disabled', compiled: 'disabled' },
      buildEnvironment: {},
    }),
  },
  getParameter: {
    adminOnly: true,
    run: (ctx) => {
      const all = PARAMETERS(ctx);
      const which = ctx.body.getParameter;
      if (which === '*' || (isPlainObject(which) && which.allParameters === true)) return all;
      const out: Doc = {};
      for (const k of Object.keys(ctx.body)) {
        if (k === 'getParameter' || k.startsWith('$') || k === 'lsid' || k === 'comment') continue;
        if (!(k in all)) continue;
        out[k] = all[k];
      }
      if (Object.keys(out).length === 0) throw new CommandError(72, 'no option found to get');
      return out;
    },
  },
  setParameter: {
    adminOnly: true,
    run: (ctx) => {
      const out: Doc = {};
      for (const [k, v] of Object.entries(ctx.body)) {
        if (k === 'setParameter' || k.startsWith('$') || k === 'lsid' || k === 'comment') continue;
        if (k === 'transactionLifetimeLimitSeconds') {
          if (!isNumeric(v) || toNumber(v) < 1) throw new CommandError(2, 'transactionLifetimeLimitSeconds must be at least 1');
          out.was = ctx.server.options.transactionLifetimeLimitSeconds;
          ctx.server.options.transactionLifetimeLimitSeconds = toNumber(v);
        } else if (k === 'ttlMonitorSleepSecs') {
          out.was = Math.round(ctx.server.options.ttlMonitorIntervalMS / 1000);
          ctx.server.options.ttlMonitorIntervalMS = toNumber(v) * 1000;
        } else {
          throw new CommandError(72, `attempted to set unrecognized parameter [${k}], use help:true to see options`);
        }
      }
      return out;
    },
  },
  serverStatus: {
    run: (ctx) => ({
      host: ctx.server.address,
      version: SERVER_VERSION,
      process: 'mongod',
      pid: Long.fromNumber(process.pid),
      uptime: (Date.now() - ctx.server.startedAt.getTime()) / 1000,
      localTime: new Date(),
      connections: { current: 0, available: 1000 },
      transactions: { currentOpen: ctx.engine.openTxns.size },
      storageEngine: { name: 'inMemory', supportsCommittedReads: true, persistent: false },
    }),
  },
  hostInfo: { run: () => ({ system: { hostname: 'mongo-emulator', currentTime: new Date() }, os: {}, extra: {} }) },
  whatsmyuri: { run: (ctx) => ({ you: `${ctx.conn.socket.remoteAddress}:${ctx.conn.socket.remotePort}` }) },
  getCmdLineOpts: { adminOnly: true, run: () => ({ argv: ['mongo-emulator'], parsed: {} }) },
  connectionStatus: { run: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }) },
  getFreeMonitoringStatus: { run: () => ({ state: 'disabled' }) },
  getLog: { adminOnly: true, run: () => ({ totalLinesWritten: 0, log: [] }) },
  replSetGetStatus: {
    adminOnly: true,
    run: (ctx) => ({
      set: ctx.server.options.replicaSetName,
      date: new Date(),
      myState: 1,
      members: [{ _id: 0, name: ctx.server.address, health: 1, state: 1, stateStr: 'PRIMARY', self: true }],
    }),
  },
  startSession: {
    run: (ctx) => ({ id: { id: new UUID() }, timeoutMinutes: ctx.server.options.logicalSessionTimeoutMinutes }),
  },
  endSessions: {
    run: (ctx) => {
      const list = ctx.body.endSessions;
      if (!Array.isArray(list)) throw new CommandError(14, "BSON field 'endSessions' is the wrong type, expected type 'array'");
      for (const lsid of list) {
        const key = lsidKey(lsid);
        if (key) ctx.server.endSession(key);
      }
      return {};
    },
  },
  killSessions: {
    run: (ctx) => {
      const list = ctx.body.killSessions;
      if (Array.isArray(list)) for (const lsid of list) {
        const key = lsidKey(lsid);
        if (key) ctx.server.endSession(key);
      }
      return {};
    },
  },
  refreshSessions: { run: () => ({}) },
  killAllSessions: {
    run: (ctx) => {
      for (const key of [...ctx.server.sessions.sessions.keys()]) ctx.server.endSession(key);
      return {};
    },
  },
  configureFailPoint: { adminOnly: true, run: (ctx) => ctx.server.failPoints.configure(ctx.body) },
};
