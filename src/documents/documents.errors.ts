import { AppError } from '@app/problem-details';

/** One item of an atomic bulk update that could not be applied. */
export interface BulkConflict {
  id: string;
  /** Why: stale version, missing document, or a state that forbids editing. */
  reason: 'version-mismatch' | 'not-found' | 'invalid-state';
  /** The version the document is at now (absent when it does not exist). */
  currentVersion?: number;
  /** The state that forbids the edit (with `invalid-state`). */
  currentState?: string;
}

const OUTCOMES = {
  'version-mismatch': { status: 412, title: 'Version mismatch' },
  'not-found': { status: 404, title: 'Not found' },
  'invalid-state': { status: 409, title: 'Invalid state' },
} as const;

/**
 * An atomic bulk update that could not apply every item, so NOTHING was written (the
 * transaction rolled back). Lists every conflicting item with its current version, so the
 * client reloads exactly those and retries once. The status follows the most actionable
 * reason: any stale version → 412 `version-mismatch`; else a missing document → 404
 * `not-found`; else a non-editable state → 409 `invalid-state`.
 */
export class BulkUpdateRejectedError extends AppError {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  constructor(readonly conflicts: BulkConflict[]) {
    super({
      detail: `${conflicts.length} item(s) could not be updated as given; nothing was written. Reload them and retry.`,
      extensions: { conflicts },
    });
    const reasons = new Set(conflicts.map((c) => c.reason));
    const code = reasons.has('version-mismatch') ? 'version-mismatch' : reasons.has('not-found') ? 'not-found' : 'invalid-state';
    this.code = code;
    this.status = OUTCOMES[code].status;
    this.title = OUTCOMES[code].title;
  }
}
