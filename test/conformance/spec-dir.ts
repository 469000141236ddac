// Where the MongoDB spec files are read from. They are licensed non-commercial and are read
// from outside the repository at run time; they must never be copied into it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');

/** MONGO_SPEC_DIR, or ../shared/mongo-spec beside the repository. */
export function specDirPath(): string {
  return process.env.MONGO_SPEC_DIR ? resolve(process.env.MONGO_SPEC_DIR) : resolve(repoRoot, '..', 'shared', 'mongo-spec');
}

export function findSpecDir(): string | undefined {
  const dir = specDirPath();
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/** Every JSON file below `dir`, as absolute and `/`-separated relative paths, sorted. */
export function listSpecFiles(dir: string): Array<{ abs: string; rel: string }> {
  const out: Array<{ abs: string; rel: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push({ abs: p, rel: relative(dir, p).split('\\').join('/') });
    }
  };
  walk(dir);
  return out;
}
