import type { Schema, ToObjectOptions } from 'mongoose';

type Raw = Record<string, unknown> & { _id?: unknown; __v?: unknown };

/**
 * The wire shape of a stored document: `id` as a string, never `_id` or `__v`. Response DTOs
 * map fields explicitly (so secrets such as password hashes can never leak by accident); this
 * is the shared convention for the id and the fallback when a document is serialised as is.
 */
export function toWire<T extends Raw>(raw: T): Omit<T, '_id' | '__v'> & { id: string } {
  const { _id, __v: _ignored, ...rest } = raw;
  return { id: String(_id), ...rest };
}

/** `toJSON` / `toObject` options applying {@link toWire}. */
export const WIRE_FORMAT = {
  versionKey: false,
  virtuals: false,
  transform: (_doc: unknown, ret: Raw) => toWire(ret),
} satisfies ToObjectOptions<any>;

/** Applies the wire format to a schema's `toJSON`, so `JSON.stringify(doc)` never shows `_id`/`__v`. */
export function wireFormatPlugin(schema: Schema): void {
  schema.set('toJSON', WIRE_FORMAT as never);
}
