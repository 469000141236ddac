/**
 * Thrown to answer 304 Not Modified (a matching If-None-Match): Nest applies the route's own
 * status after interceptors, so the 304 is sent by the ProblemDetailsFilter instead.
 */
export class NotModifiedSignal extends Error {
  constructor(readonly etag: string) {
    super('Not Modified');
  }
}
