import { AppError } from '@app/concurrency';

/** 404 `no-content`: the version exists but is metadata-only, so there are no bytes to download. */
export class NoStoredContentError extends AppError {
  readonly status = 404;
  readonly code = 'no-content';
  readonly title = 'No stored content';
  constructor(version: number) {
    super({
      detail: `Version ${version} was recorded as metadata only; its file is not stored here.`,
      extensions: { version },
    });
  }
}
