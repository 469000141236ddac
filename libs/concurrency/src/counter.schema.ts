import { Schema } from 'mongoose';

/** counters: one document per (scope, name); `_id` = `<scope>/<name>`. */
export interface CounterDoc {
  _id: string;
  scope: string;
  name: string;
  value: number;
}

/** Model name of the counters collection. */
export const COUNTER_MODEL = 'ConcurrencyCounter';

/** Schema of the counters collection. */
export const CounterSchema = new Schema<CounterDoc>(
  { _id: { type: String, required: true }, scope: { type: String, required: true }, name: { type: String, required: true }, value: { type: Number, required: true } },
  { collection: 'counters', versionKey: false },
);
