/**
 * @app/concurrency/testing — the race-test kit for the app's suites. Test code only: never
 * import this from production code.
 */
export { race, RaceOutcome, RaceResult, expectCounts, expectExactlyOne, assertDistinct, assertConsecutive, eventually } from './race';
export { startTestApp, serveTestApp, StartTestAppOptions, TestApp } from './test-app';
export { HttpClient, HttpResponse, RequestOptions } from './http-client';
