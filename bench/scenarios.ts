/**
 * The scenarios of the bench. `floor` and `health` measure what the stack costs without the
 * app's work; the others each sign up their own tenant through the public API (so one
 * scenario's data, or the naive route's damage, never shows in another's checks), create
 * what they need, and then, per cell (one concurrency level):
 *   1. snapshots the state it will check,
 *   2. gives every worker a step function (its own state lives in the closure),
 *   3. checks afterwards that the server's state is exactly what the counted responses say,
 *      and that the module's own consistency / reconciliation endpoint is ok.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Api, type LoadResult, type Step } from './http';
import { signFloorToken } from './floor-server';

export const SCENARIO_NAMES = ['floor', 'health', 'get-item', 'allocate-hot', 'allocate-spread', 'allocate-naive', 'transfer', 'patch-if-match'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface CellOutcome {
  correct: boolean;
  /** One line saying what was checked and what was found. */
  detail: string;
  /** allocate-naive only: units allocated that the stock never lost (see NAIVE_NOTE). */
  oversoldBy?: number;
}

export interface Cell {
  worker(index: number): Step;
  check(load: LoadResult): Promise<CellOutcome>;
}

export interface PreparedScenario {
  /** The server the cells load (the app, the bench-routes app or the floor). */
  api: Api;
  token: string;
  /** Whether the server has the app's GET /metrics (the floor has not). */
  metrics: boolean;
  /** Snapshots the state and returns fresh per-cell recorders. */
  cell(): Promise<Cell>;
}

export interface Scenario {
  name: ScenarioName;
  /** What one measured request is, for the report. */
  summary: string;
  prepare(targets: Targets, log: (msg: string) => void): Promise<PreparedScenario>;
}

/** The servers the bench started. */
export interface Targets {
  /** The app in its production configuration. */
  app: Api;
  /** The app plus the unsafe route (bench/naive-app.ts, development mode), started only when allocate-naive runs. */
  benchApp?: Api;
  floor?: { baseUrl: string; itemId: string; tenantId: string; jwtSecret: string };
}

const INVENTORY = '/api/v1/inventory';
const FINANCE = '/api/v1/finance';
const DOCUMENTS = '/api/v1/documents';

export const NAIVE_NOTE =
  'oversoldBy = units handed out by 201 responses that the item\'s stock never lost (lost updates): ' +
  'the item still shows them as free, so once its real stock is gone exactly that many units are promised that do not exist.';

interface Item {
  id: string;
  /** Physical stock: allocated + available. */
  quantityOnHand: number;
  quantityAllocated: number;
  quantityAvailable: number;
  version: number;
}

/** Bounded parallel map (set-up only: a few hundred creations without flooding the app). */
async function mapLimit<T, R>(inputs: readonly T[], limit: number, fn: (input: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, inputs.length) }, async () => {
      while (next < inputs.length) {
        const i = next++;
        out[i] = await fn(inputs[i], i);
      }
    }),
  );
  return out;
}

const BENCH_PASSWORD = 'correct-horse-battery-bench';
/** The busiest level: as many sessions as clients there. */
const MAX_CLIENTS = 64;

/** A fresh tenant; its first user is an admin, which every route here accepts. */
async function signup(api: Api, scenario: string): Promise<Api & { email: string }> {
  const email = `bench-${scenario}-${randomBytes(4).toString('hex')}@bench.example`;
  const res = await api.expect<{ accessToken: string }>(201, 'POST', '/api/v1/auth/signup', {
    tenantName: `Bench ${scenario}`,
    email,
    password: BENCH_PASSWORD,
    displayName: 'Bench',
  });
  return Object.assign(api.as(res.body.accessToken), { email });
}

/**
 * `count` more logins of the scenario's user, one session each: a client per session, as many
 * users would be, so the guard's batched session reads carry as many sessions as clients.
 */
async function sessions(api: Api & { email: string }, count: number): Promise<string[]> {
  const login = async () => (await api.expect<{ accessToken: string }>(200, 'POST', '/api/v1/auth/login', { email: api.email, password: BENCH_PASSWORD })).body.accessToken;
  const tokens: string[] = [];
  // Four at a time: a login is an argon2 verification on the app's thread pool.
  while (tokens.length < count) tokens.push(...(await Promise.all(Array.from({ length: Math.min(4, count - tokens.length) }, login))));
  return tokens;
}

/** Measured responses with `status`. */
const count = (load: LoadResult, status: number): number => load.statuses[String(status)] ?? 0;

/** Responses with `status` to every request the workers sent, warm-up included: what the state after the cell must show. */
const served = (load: LoadResult, status: number): number => count(load, status) + (load.warmupStatuses[String(status)] ?? 0);

/** Statuses other than the expected ones (measured or warm-up), for the detail line ("" when none). */
function unexpected(load: LoadResult, expected: number[]): string {
  const all: Record<string, number> = { ...load.warmupStatuses };
  for (const [s, n] of Object.entries(load.statuses)) all[s] = (all[s] ?? 0) + n;
  const other = Object.entries(all).filter(([s]) => !expected.includes(Number(s)));
  return other.length ? `; other statuses ${other.map(([s, n]) => `${s}×${n}`).join(', ')}` : '';
}

async function newItem(api: Api, sku: string, quantityOnHand: number): Promise<Item> {
  return (await api.expect<Item>(201, 'POST', `${INVENTORY}/items`, { sku, name: `Bench ${sku}`, quantityOnHand })).body;
}

const getItem = async (api: Api, id: string): Promise<Item> => (await api.expect<Item>(200, 'GET', `${INVENTORY}/items/${id}`)).body;

const movementsTotal = async (api: Api, id: string): Promise<number> =>
  (await api.expect<{ total: number }>(200, 'GET', `${INVENTORY}/items/${id}/movements?pageSize=1`)).body.total;

interface Consistency {
  ok: boolean;
  violations: Array<{ itemId: string }>;
}

async function consistency(api: Api): Promise<Consistency> {
  return (await api.expect<Consistency>(200, 'GET', `${INVENTORY}/consistency`)).body;
}

const allocateBody = (worker: number) => JSON.stringify({ quantity: 1, orderReference: `bench-w${worker}` });

// ---------------------------------------------------------------------------------------

const floorScenario: Scenario = {
  name: 'floor',
  summary:
    'GET /items/:id on bench/floor-server.ts — node:http, the mongodb driver, an HS256 check and one findOne by id on the same emulator, no framework: what one authenticated read costs on this machine. The yardstick for get-item and health.',
  async prepare({ floor }) {
    if (!floor) throw new Error('the floor server was not started');
    const api = new Api(floor.baseUrl, signFloorToken(floor.jwtSecret, { sub: floor.itemId, tid: floor.tenantId }, 7200));
    const path = `/items/${floor.itemId}`;
    await api.expect(200, 'GET', path);
    return {
      api,
      token: api.token!,
      metrics: false,
      async cell() {
        return {
          worker: () => (c) => c.measured({ method: 'GET', path }).then(() => undefined),
          async check(load) {
            const ok = count(load, 200) === load.requests && load.requests > 0 && !unexpected(load, [200]);
            return { correct: ok, detail: `${count(load, 200)} × 200 of ${load.requests}${unexpected(load, [200])}` };
          },
        };
      },
    };
  },
};

const healthScenario: Scenario = {
  name: 'health',
  summary: 'GET /health/live — the liveness probe: touches no database, so it is the app\'s fixed cost per request (routing, hooks, headers, metrics).',
  async prepare({ app }) {
    await app.expect(200, 'GET', '/health/live');
    return {
      api: app,
      token: '',
      metrics: true,
      async cell() {
        return {
          worker: () => (c) => c.measured({ method: 'GET', path: '/health/live' }).then(() => undefined),
          async check(load) {
            const ok = count(load, 200) === load.requests && load.requests > 0 && !unexpected(load, [200]);
            return { correct: ok, detail: `${count(load, 200)} × 200 of ${load.requests}${unexpected(load, [200])}` };
          },
        };
      },
    };
  },
};

const getItemScenario: Scenario = {
  name: 'get-item',
  summary: 'GET /api/v1/inventory/items/:id — one item, read by every client, each with a session of its own: auth, one find, ETag. The baseline.',
  async prepare({ app: root }) {
    const api = await signup(root, 'get-item');
    const item = await newItem(api, 'BENCH-GET', 100);
    const path = `${INVENTORY}/items/${item.id}`;
    const tokens = await sessions(api, MAX_CLIENTS);
    return {
      api,
      token: api.token!,
      metrics: true,
      async cell() {
        const before = await getItem(api, item.id);
        return {
          worker: (i) => {
            const headers = { authorization: `Bearer ${tokens[i % tokens.length]}` };
            return (c) => c.measured({ method: 'GET', path, headers }).then(() => undefined);
          },
          async check(load) {
            const after = await getItem(api, item.id);
            const report = await consistency(api);
            const ok200 = count(load, 200) === load.requests && load.requests > 0 && !unexpected(load, [200]);
            const unchanged = after.version === before.version && after.quantityAvailable === before.quantityAvailable;
            return {
              correct: ok200 && unchanged && report.ok,
              detail: `${count(load, 200)} × 200 of ${load.requests}; item unchanged (version ${after.version}): ${unchanged}; consistency ok: ${report.ok}${unexpected(load, [200])}`,
            };
          },
        };
      },
    };
  },
};

/** allocate-hot and allocate-naive share the one-item shape; only the route and the expectation differ. */
function oneItemAllocation(name: 'allocate-hot' | 'allocate-naive'): Scenario {
  const naive = name === 'allocate-naive';
  const route = naive ? 'allocate-naive' : 'allocate';
  return {
    name,
    summary: naive
      ? 'POST /api/v1/inventory/items/:id/allocate-naive {quantity: 1} — the same allocation as allocate-hot done read-check-write with no guard and no transaction (bench-only route, bench/naive-allocation). Expected to be wrong.'
      : 'POST /api/v1/inventory/items/:id/allocate {quantity: 1} — every client on one item with ample stock: one guarded $inc plus allocation and movement in one transaction; write conflicts on the hot document are retried.',
    async prepare({ app, benchApp }) {
      const root = naive ? benchApp : app;
      if (!root) throw new Error('allocate-naive needs the bench-routes app');
      const api = await signup(root, name);
      // The same ample stock for both, so every request takes the success path and the two are comparable.
      const stock = 10_000_000;
      let shared: Item | undefined;
      let cellNo = 0;
      if (!naive) shared = await newItem(api, 'BENCH-HOT', stock);
      return {
        api,
        token: api.token!,
        metrics: true,
        async cell() {
          // The naive route corrupts its item, so each cell starts from a fresh one.
          const item = naive ? await newItem(api, `BENCH-NAIVE-${++cellNo}`, stock) : shared!;
          const before = await getItem(api, item.id);
          const movesBefore = await movementsTotal(api, item.id);
          const path = `${INVENTORY}/items/${item.id}/${route}`;
          return {
            worker: (i) => {
              const body = allocateBody(i);
              return (c) => c.measured({ method: 'POST', path, body }).then(() => undefined);
            },
            async check(load) {
              const granted = served(load, 201);
              const after = await getItem(api, item.id);
              const moves = (await movementsTotal(api, item.id)) - movesBefore;
              const report = await consistency(api);
              // Only this cell's item: the naive tenant's earlier items (and its warm-up's) are already damaged.
              const itemOk = !report.violations.some((v) => v.itemId === item.id) && (naive || report.ok);
              const stockLost = before.quantityAvailable - after.quantityAvailable;
              const countsMatch =
                stockLost === granted && after.quantityAllocated - before.quantityAllocated === granted && moves === granted && after.quantityOnHand === before.quantityOnHand;
              const base = `${granted} × 201; available −${stockLost}, allocated +${after.quantityAllocated - before.quantityAllocated}, movements +${moves}; consistency of the item ok: ${itemOk}`;
              if (naive) {
                const oversoldBy = granted - stockLost;
                return { correct: countsMatch && itemOk, oversoldBy, detail: `${base}; oversold by ${oversoldBy}${unexpected(load, [201])}` };
              }
              return { correct: countsMatch && itemOk, detail: `${base}${unexpected(load, [201])}` };
            },
          };
        },
      };
    },
  };
}

const allocateSpread: Scenario = {
  name: 'allocate-spread',
  summary: 'POST /api/v1/inventory/items/:id/allocate {quantity: 1} on a random one of 1000 items — the same transaction as allocate-hot without the hot document.',
  async prepare({ app: root }, log) {
    const api = await signup(root, 'allocate-spread');
    const n = 1000;
    let made = 0;
    const items = await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      8,
      async (i) => {
        const item = await newItem(api, `BENCH-SPREAD-${String(i).padStart(4, '0')}`, 1_000_000);
        if (++made % 250 === 0) log(`allocate-spread: ${made}/${n} items created`);
        return item;
      },
    );
    const paths = items.map((it) => `${INVENTORY}/items/${it.id}/allocate`);
    // One page-walk gives Σ available and Σ allocated over the 1000 items.
    const totals = async () => {
      let available = 0;
      let allocated = 0;
      let seen = 0;
      for (let page = 1; ; page++) {
        const res = await api.expect<{ items: Item[]; total: number }>(200, 'GET', `${INVENTORY}/items?page=${page}&pageSize=100`);
        for (const it of res.body.items) {
          available += it.quantityAvailable;
          allocated += it.quantityAllocated;
        }
        seen += res.body.items.length;
        if (seen >= res.body.total || res.body.items.length === 0) return { available, allocated, items: seen };
      }
    };
    return {
      api,
      token: api.token!,
      metrics: true,
      async cell() {
        const before = await totals();
        return {
          worker: (i) => {
            const body = allocateBody(i);
            return (c) => c.measured({ method: 'POST', path: paths[randomInt(paths.length)], body }).then(() => undefined);
          },
          async check(load) {
            const granted = served(load, 201);
            const after = await totals();
            const report = await consistency(api);
            const countsMatch = before.available - after.available === granted && after.allocated - before.allocated === granted;
            return {
              correct: countsMatch && report.ok && after.items === n,
              detail: `${granted} × 201; Σ available −${before.available - after.available}, Σ allocated +${after.allocated - before.allocated} over ${after.items} items; consistency ok: ${report.ok} (${report.violations.length} violations)${unexpected(load, [201])}`,
            };
          },
        };
      },
    };
  },
};

const transfer: Scenario = {
  name: 'transfer',
  summary: 'POST /api/v1/finance/transfers between a random pair of 100 accounts, 1–1000 cents: guarded debit, credit and journal entry in one transaction.',
  async prepare({ app: root }) {
    const api = await signup(root, 'transfer');
    const n = 100;
    const opening = 10_000_000;
    const accounts = await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      8,
      async (i) => (await api.expect<{ id: string }>(201, 'POST', `${FINANCE}/accounts`, { name: `Bench ${i}`, currency: 'EUR', openingBalance: opening })).body.id,
    );
    const ids = new Set(accounts);
    const balances = async (): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (let page = 1; ; page++) {
        const res = await api.expect<{ items: Array<{ id: string; balance: number }>; total: number }>(200, 'GET', `${FINANCE}/accounts?page=${page}&pageSize=100`);
        for (const a of res.body.items) if (ids.has(a.id)) out.set(a.id, a.balance);
        if (page * 100 >= res.body.total || res.body.items.length === 0) return out;
      }
    };
    return {
      api,
      token: api.token!,
      metrics: true,
      async cell() {
        const before = await balances();
        // Expected balance changes, from the 201s only: the server must agree to the cent.
        const moved = new Map<string, number>();
        return {
          worker: () => async (c) => {
            const from = randomInt(n);
            const to = (from + 1 + randomInt(n - 1)) % n;
            const amount = 1 + randomInt(1000);
            const body = JSON.stringify({ fromAccountId: accounts[from], toAccountId: accounts[to], amount, description: 'bench transfer' });
            const res = await c.measured({ method: 'POST', path: `${FINANCE}/transfers`, body });
            if (res?.status === 201) {
              moved.set(accounts[from], (moved.get(accounts[from]) ?? 0) - amount);
              moved.set(accounts[to], (moved.get(accounts[to]) ?? 0) + amount);
            }
          },
          async check(load) {
            const after = await balances();
            const rec = (await api.expect<{ ok: boolean; violations: unknown[] }>(200, 'GET', `${FINANCE}/reconciliation`)).body;
            let totalBefore = 0;
            let totalAfter = 0;
            let wrong = 0;
            for (const id of accounts) {
              const b = before.get(id) ?? NaN;
              const a = after.get(id) ?? NaN;
              totalBefore += b;
              totalAfter += a;
              if (a !== b + (moved.get(id) ?? 0)) wrong += 1;
            }
            return {
              correct: rec.ok && wrong === 0 && totalAfter === totalBefore,
              detail: `${served(load, 201)} × 201; total money ${totalAfter === totalBefore ? 'unchanged' : `changed by ${totalAfter - totalBefore}`}; accounts off from the 201s: ${wrong}/${n}; reconciliation ok: ${rec.ok}${unexpected(load, [201])}`,
            };
          },
        };
      },
    };
  },
};

const patchIfMatch: Scenario = {
  name: 'patch-if-match',
  summary:
    'PATCH /api/v1/documents/:id {title} with If-Match = the ETag this client last read, all clients on one document: one wins per version, the rest get 412 and re-read (the re-read GET is made but not counted).',
  async prepare({ app: root }) {
    const api = await signup(root, 'patch-if-match');
    const doc = (await api.expect<{ id: string }>(201, 'POST', DOCUMENTS, { title: 'Bench contract', category: 'contracts', type: 'msa' })).body;
    const path = `${DOCUMENTS}/${doc.id}`;
    const versionOf = (etag: unknown): number => Number(String(etag ?? '').replace(/^W\//, '').replaceAll('"', ''));
    return {
      api,
      token: api.token!,
      metrics: true,
      async cell() {
        const v0 = (await api.expect<{ version: number }>(200, 'GET', path)).body.version;
        // Every 200 must come from a distinct If-Match version and lead to exactly the next one.
        const wonFrom = new Set<number>();
        let duplicateWins = 0;
        let badSteps = 0;
        return {
          worker: (i) => {
            let etag: string | undefined;
            let n = 0;
            return async (c) => {
              if (!etag) {
                const read = await c.unmeasured({ method: 'GET', path });
                etag = read?.status === 200 ? String(read.headers.etag) : undefined;
                if (!etag) return;
              }
              const sent = etag;
              const res = await c.measured({ method: 'PATCH', path, headers: { 'if-match': sent }, body: JSON.stringify({ title: `Bench contract w${i} #${++n}` }) });
              if (res?.status === 200) {
                const from = versionOf(sent);
                if (wonFrom.has(from)) duplicateWins += 1;
                wonFrom.add(from);
                if (versionOf(res.headers.etag) !== from + 1) badSteps += 1;
                etag = String(res.headers.etag);
              } else etag = undefined; // 412 (or anything else): read again, as a real client would
            };
          },
          async check(load) {
            const v1 = (await api.expect<{ version: number }>(200, 'GET', path)).body.version;
            const won = served(load, 200);
            return {
              correct: v1 === v0 + won && duplicateWins === 0 && badSteps === 0,
              detail: `${won} × 200, ${count(load, 412)} × 412, ${load.unmeasured} re-reads; version ${v0} → ${v1} (expected ${v0 + won}); two wins from one version: ${duplicateWins}${unexpected(load, [200, 412])}`,
            };
          },
        };
      },
    };
  },
};

export const SCENARIOS: Scenario[] = [floorScenario, healthScenario, getItemScenario, oneItemAllocation('allocate-hot'), allocateSpread, oneItemAllocation('allocate-naive'), transfer, patchIfMatch];
