/**
 * HTTP for the bench: a small JSON client for set-up and checks, and the load driver.
 *
 * The driver is a closed loop on undici: `concurrency` workers, each with its own keep-alive
 * connection, send a request, wait for the whole response, and send the next until the
 * deadline. It is used instead of autocannon because autocannon's duration mode destroys
 * the sockets of requests still in flight when time is up: the server may commit those
 * allocations or transfers while the client never counts them, and then "the counts match"
 * could not be checked exactly. Here every request that was sent is also counted — the last
 * one of each worker finishes after the deadline and the elapsed time includes it.
 */
import { Pool, request } from 'undici';

export interface JsonResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** JSON client for set-up and checks (not measured). */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string): Api {
    return new Api(this.baseUrl, token);
  }

  async send<T = any>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await request(new URL(path, this.baseUrl), {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const text = await res.body.text();
    const flat = flatten(res.headers);
    return { status: res.statusCode, headers: flat, body: (/json/.test(flat['content-type'] ?? '') && text ? JSON.parse(text) : text) as T };
  }

  /** Sends and insists on one status; the error names the request and shows the answer. */
  async expect<T = any>(status: number, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse<T>> {
    const res = await this.send<T>(method, path, body, headers);
    if (res.status !== status) {
      const shown = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      throw new Error(`${method} ${path} → ${res.status}, expected ${status}: ${shown.slice(0, 600)}`);
    }
    return res;
  }
}

/** What a measured request gives back to the scenario: status and headers (bodies are drained, never parsed). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Given to each worker step: `measured` counts toward rps/latency/statuses; `unmeasured` (e.g. a re-read after a 412) does not. */
export interface LoadClient {
  measured(spec: RequestSpec): Promise<Answer | undefined>;
  unmeasured(spec: RequestSpec): Promise<Answer | undefined>;
}

/** One loop iteration of one worker; state lives in the closure the scenario built for that worker. */
export type Step = (client: LoadClient) => Promise<void>;

export interface LoadResult {
  /** Measured responses, any HTTP status. */
  requests: number;
  /** Seconds from the first request to the last response of the slowest worker. */
  elapsedS: number;
  /** Latencies of measured requests in ms (request sent → whole body received). */
  latenciesMs: Float64Array;
  /** When each of those requests was sent, in ms from the cell's start (same order). */
  sentAtMs: Float64Array;
  statuses: Record<string, number>;
  /** Transport failures (connection reset, timeout): not responses, counted apart. */
  errors: number;
  /** Requests made outside the measurement (re-reads). */
  unmeasured: number;
  /** Answers to the requests the workers sent during the warm-up, by HTTP status: not measured, but the server's state includes them. */
  warmupStatuses: Record<string, number>;
}

/**
 * Runs `concurrency` workers for `warmupMs` and then, without a pause, `durationMs` more:
 * only requests sent after the warm-up are measured (`onMeasureStart` is called as that
 * clock starts). The warm-up absorbs what the previous cell left behind — its check's
 * whole-collection reads, a process idle for a minute (the naive app) — which otherwise
 * landed in the first second of the cell. `onTick(fraction)` is called about every 250 ms
 * for the progress bar. Stops early when transport errors pile up (the app died).
 */
export async function runLoad(options: {
  baseUrl: string;
  token: string;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  worker: (index: number) => Step;
  onTick?: (fraction: number) => void;
  onMeasureStart?: () => void;
}): Promise<LoadResult> {
  const { concurrency, durationMs } = options;
  const warmupMs = options.warmupMs ?? 0;
  // One connection per worker, as autocannon's `connections`: a worker never waits for a socket.
  const pool = new Pool(options.baseUrl, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  // No header at all for public routes (health), as a probe would send.
  const auth = options.token ? `Bearer ${options.token}` : undefined;
  let latencies = new Float64Array(4096);
  let sentAt = new Float64Array(4096);
  let count = 0;
  let errors = 0;
  let unmeasured = 0;
  const statuses: Record<string, number> = {};
  const warmupStatuses: Record<string, number> = {};
  let stop = false;

  const send = async (spec: RequestSpec, measure: boolean): Promise<Answer | undefined> => {
    const headers: Record<string, string> = auth ? { authorization: auth, ...spec.headers } : { ...spec.headers };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    try {
      const res = await pool.request({ method: spec.method, path: spec.path, headers, body: spec.body });
      await res.body.dump({ limit: Infinity });
      const ms = performance.now() - started;
      if (measure && started < cellStarted) warmupStatuses[res.statusCode] = (warmupStatuses[res.statusCode] ?? 0) + 1;
      else if (measure) {
        if (count === latencies.length) {
          const grow = (a: Float64Array) => {
            const grown = new Float64Array(a.length * 2);
            grown.set(a);
            return grown;
          };
          latencies = grow(latencies);
          sentAt = grow(sentAt);
        }
        sentAt[count] = started - cellStarted;
        latencies[count++] = ms;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      } else unmeasured += 1;
      return { status: res.statusCode, headers: res.headers };
    } catch {
      errors += 1;
      if (errors > 50 + count / 10) stop = true;
      return undefined;
    }
  };
  const client: LoadClient = { measured: (s) => send(s, true), unmeasured: (s) => send(s, false) };

  // Open every client's keep-alive connection before the clock starts (one unmeasured probe
  // each, all at once): the cell measures requests on established connections, as its clients
  // would be, not a burst of TCP handshakes the server accepts while it serves the others.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const res = await pool.request({ method: 'GET', path: '/health/live' }).catch(() => undefined);
      await res?.body.dump();
    }),
  );
  const loadStarted = performance.now();
  const cellStarted = loadStarted + warmupMs;
  const deadline = cellStarted + durationMs;
  const ticker = setInterval(() => options.onTick?.(Math.min(1, (performance.now() - loadStarted) / (warmupMs + durationMs))), 250);
  const measureStart = setTimeout(() => options.onMeasureStart?.(), warmupMs);
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const step = options.worker(i);
        while (!stop && performance.now() < deadline) await step(client);
      }),
    );
  } finally {
    clearInterval(ticker);
    clearTimeout(measureStart);
  }
  const elapsedS = (performance.now() - cellStarted) / 1000;
  await pool.close();
  if (errors > 0) statuses.error = errors;
  return { requests: count, elapsedS, latenciesMs: latencies.subarray(0, count), sentAtMs: sentAt.subarray(0, count), statuses, errors, unmeasured, warmupStatuses };
}

/** Nearest-rank percentile of latencies in ms (0 when there are none). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
