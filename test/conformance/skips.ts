// The one place where cases are skipped on purpose. Each entry names a file (substring of
// its path under the spec folder) and/or a test description, and says in one line why the
// case cannot apply to a single-node replica-set emulator driven by the Node driver.
// Never add an entry to hide an emulator bug: those must show up as failures.

export interface SkipEntry {
  /** substring of the spec file path (e.g. "crud/tests/unified/find.json"), or a pattern */
  file?: string | RegExp;
  /** exact test description, or a pattern */
  description?: string | RegExp;
  reason: string;
}

const nullIdReason =
  'the Node driver (7.x) replaces a null _id with a generated ObjectId before sending the insert (driver behaviour, not server behaviour)';

export const skips: SkipEntry[] = [
  { file: 'crud/tests/unified/create-null-ids.json', description: 'inserting _id with type null via insertOne', reason: nullIdReason },
  { file: 'crud/tests/unified/create-null-ids.json', description: 'inserting _id with type null via insertMany', reason: nullIdReason },
  { file: 'crud/tests/unified/create-null-ids.json', description: 'inserting _id with type null via bulkWrite', reason: nullIdReason },
];

function hit(pattern: string | RegExp | undefined, value: string, exact: boolean): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return exact ? value === pattern : value.includes(pattern);
  return pattern.test(value);
}

export function findSkip(file: string, description: string): SkipEntry | undefined {
  return skips.find((s) => (s.file !== undefined || s.description !== undefined) && hit(s.file, file, false) && hit(s.description, description, true));
}
