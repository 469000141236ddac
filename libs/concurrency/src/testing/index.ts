/**
 * @app/concurrency/testing — the race-test kit for the app's suites. Test code only: never
 * import this from production code.
 */
export { race, RaceOutcome, RaceResult, expectCounts, expectExactlyOne, assertDistinct, assertConsecutive, eventually } from './race';
export { startTestApp, StartTestAppOptions, TestApp, TestResponse } from './test-app';
