import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  // prom-client's registry is process-wide and e2e files may boot several apps per process.
  return (register.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames });
}

/**
 * Versioning metrics. Transaction retries are the toolkit's
 * `transactions_retried_total{name="versioning.upload"}` (and started/committed/aborted by the
 * same name); these add what only this module knows.
 */
export const versioningMetrics = {
  uploads: counter('versioning_uploads_total', 'File versions created, by owner type and source (file, metadata, restore).', ['owner_type', 'source']),
  conflicts: counter(
    'versioning_upload_conflicts_total',
    'Uploads answered 409: write-conflict retries exhausted (contention) or a safety-net unique index tripped (duplicate).',
    ['reason'],
  ),
  orphanCleanups: counter(
    'versioning_orphan_file_cleanups_total',
    'Stored files deleted because their version was not recorded (transaction failed, file too large), by result.',
    ['result'],
  ),
};
