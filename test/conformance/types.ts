// Shapes of the unified test format (schema 1.x) as far as this runner reads them.
// Values come from an Extended JSON parse, so leaves are BSON/JS values, hence `unknown`.

export type Doc = Record<string, unknown>;

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  serverParameters?: Doc;
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | Doc;
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Doc;
  documents: Doc[];
}

export interface Operation {
  name: string;
  object: string;
  arguments?: Doc;
  expectResult?: unknown;
  expectError?: ExpectedError;
  saveResultAsEntity?: string;
  ignoreResultAndError?: boolean;
}

export interface ExpectedError {
  isError?: boolean;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: number;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  errorResponse?: Doc;
  expectResult?: unknown;
  writeErrors?: Doc;
  writeConcernErrors?: Doc[];
}

export interface ExpectedEventsForClient {
  client: string;
  eventType?: 'command' | 'cmap' | 'sdam';
  events: Doc[];
  ignoreExtraEvents?: boolean;
}

export interface TestCase {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: ExpectedEventsForClient[];
  expectLogMessages?: unknown[];
  outcome?: CollectionData[];
}

export interface TestFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: Doc[];
  initialData?: CollectionData[];
  tests: TestCase[];
  _yamlAnchors?: unknown;
}

/** Outcome of one test case as the reporter sees it. */
/**
 * `notApplicable`: the test's runOnRequirements exclude this server (another version or
 * topology), so per the unified format it is not run — a MongoDB of the same version would
 * not run it either. `skipped`: the runner chose not to run an applicable test (skips.ts).
 */
export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'notApplicable';

export interface CaseResult {
  description: string;
  status: CaseStatus;
  /** one line: why it failed or was skipped */
  reason?: string;
  /** full detail for CONFORMANCE_VERBOSE */
  detail?: string;
}

export interface FileResult {
  file: string;
  cases: CaseResult[];
}
