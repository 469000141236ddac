import { defineProblem } from '@app/problem-details';

/** 404 `no-content`: the version exists but is metadata-only, so there are no bytes to download. */
export class NoStoredContentError extends defineProblem({ status: 404, code: 'no-content', title: 'No stored content' }, (version: number) => ({
  detail: `Version ${version} was recorded as metadata only; its file is not stored here.`,
  extensions: { version },
})) {}
