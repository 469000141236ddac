/** The shape of bench/results/latest.json (and its dated copies). */

/** One scenario at one concurrency level. */
export interface Row {
  name: string;
  concurrency: number;
  /** Measured responses (any HTTP status) per second; transport errors are not responses. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** p99Ms / p50Ms (null when nothing was measured). */
  p99OverP50: number | null;
  /** Responses by HTTP status; `error` counts transport failures, if any. */
  statuses: Record<string, number>;
  /** Δ transactions_retried_total (all names) / 2xx responses during the cell. */
  retriesPerSuccess: number;
  /** Δ transaction_batch_size_sum / Δ its count: callers per group-commit transaction during the cell (null: no batch ran). */
  inputsPerBatch: number | null;
  /** CPU µs (user + system) of the serving process per measured request; null when unknown. */
  serverCpuUsPerRequest: number | null;
  /** The server's state after the cell is exactly what the counted responses say, and the module's check is ok. */
  correct: boolean;
  /** allocate-naive only. */
  oversoldBy?: number;
  /** Measured responses in the cell, and its wall time. */
  requests: number;
  elapsedS: number;
  /** Answers to the requests of the unmeasured warm-up just before the cell's clock (its state changes count in `correct`). */
  warmupRequests: number;
  /** What was checked and found, in one line. */
  detail: string;
}

/** Throughput ratios between cells of one concurrency level (null when a side did not run). */
export interface LevelRatios {
  concurrency: number;
  getItemOverFloor: number | null;
  healthOverFloor: number | null;
  allocateHotOverGetItem: number | null;
  allocateSpreadOverGetItem: number | null;
  transferOverGetItem: number | null;
  /** Server CPU per request, get-item ÷ floor and health ÷ floor (lower is better). */
  getItemCpuOverFloorCpu: number | null;
  healthCpuOverFloorCpu: number | null;
}

export interface BenchResults {
  machine: { cpus: number; node: string; cpuModel: string; platform: string; loadAverage: number[]; loadAverageEnd: number[]; app: string };
  generatedAt: string;
  mode: 'quick' | 'full';
  cellSeconds: number;
  totalSeconds: number;
  headline: { getItemOverFloor64: number | null; healthOverFloor64: number | null; allocateHotOverGetItem64: number | null; allocateHotOverNaive64: number | null; naiveOversoldBy64: number | null };
  ratios: LevelRatios[];
  summaries: Record<string, string>;
  definitions: Record<string, string>;
  scenarios: Row[];
}
