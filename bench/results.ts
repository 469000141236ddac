/** The shape of bench/results/latest.json (and its dated copies). */

/** One scenario at one concurrency level. */
export interface Row {
  name: string;
  concurrency: number;
  /** Measured responses (any HTTP status) per second; transport errors are not responses. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by HTTP status; `error` counts transport failures, if any. */
  statuses: Record<string, number>;
  /** Δ transactions_retried_total (all names) / 2xx responses during the cell. */
  retriesPerSuccess: number;
  /** The server's state after the cell is exactly what the counted responses say, and the module's check is ok. */
  correct: boolean;
  /** allocate-naive only. */
  oversoldBy?: number;
  /** Measured responses in the cell, and its wall time. */
  requests: number;
  elapsedS: number;
  /** What was checked and found, in one line. */
  detail: string;
}

export interface BenchResults {
  machine: { cpus: number; node: string; cpuModel: string; platform: string; loadAverage: number[]; loadAverageEnd: number[]; app: string };
  generatedAt: string;
  mode: 'quick' | 'full';
  cellSeconds: number;
  totalSeconds: number;
  headline: { allocateHotOverGetItem64: number | null; allocateHotOverNaive64: number | null; naiveOversoldBy64: number | null };
  summaries: Record<string, string>;
  definitions: Record<string, string>;
  scenarios: Row[];
}
