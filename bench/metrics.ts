/**
 * Reads counters from the app's Prometheus endpoint (GET /metrics), so the bench sees the
 * server's own account of transactions and retries, not a client-side guess.
 */
import type { Api } from './http';

/** Counter samples by metric name, then by their label set rendered as text (`name="x"`). */
export type Samples = Map<string, Map<string, number>>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;

export function parsePrometheus(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    let byLabels = out.get(m[1]);
    if (!byLabels) out.set(m[1], (byLabels = new Map()));
    byLabels.set(m[2] ?? '', value);
  }
  return out;
}

export async function scrape(api: Api): Promise<Samples> {
  const res = await api.expect<string>(200, 'GET', '/metrics');
  return parsePrometheus(String(res.body));
}

/**
 * after − before of one counter, summed over the label sets that `labelFilter` accepts (all
 * by default). Counters only grow, so a label set absent before counts from 0.
 */
export function delta(before: Samples, after: Samples, metric: string, labelFilter: (labels: string) => boolean = () => true): number {
  let sum = 0;
  for (const [labels, value] of after.get(metric) ?? []) {
    if (!labelFilter(labels)) continue;
    sum += value - (before.get(metric)?.get(labels) ?? 0);
  }
  return sum;
}
