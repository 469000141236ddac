/**
 * Pipeline-style updates (`update: [{$set: ...}, ...]`): only the stages mongod allows there.
 */
import { Doc } from '../bson/values';
import { CommandError } from '../errors';
import { runPipeline } from './aggregate';

const ALLOWED = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export function runPipelineUpdate(doc: Doc, pipeline: Doc[], vars?: Doc): Doc {
  for (const stage of pipeline) {
    const name = Object.keys(stage ?? {})[0];
    if (!ALLOWED.has(name)) {
      throw new CommandError(
        72,
        `${name} is not allowed to be used within an update`,
      );
    }
  }
  const out = runPipeline([doc], pipeline, { vars: vars ?? {} });
  if (out.length !== 1) throw new CommandError(2, 'pipeline update must produce exactly one document');
  const result = out[0];
  if (result._id === undefined && doc._id !== undefined) return { _id: doc._id, ...result };
  return result;
}
