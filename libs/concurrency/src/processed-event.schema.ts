import { Schema } from 'mongoose';

/** processed_events: one marker per (subscriber, event) — what makes a subscriber idempotent. */
export interface ProcessedEventDoc {
  _id: string;
  subscriber: string;
  eventId: string;
  processedAt: Date;
  /** processedAt + the outbox retention: the TTL index removes the marker then. */
  purgeAt?: Date;
}

/** Model name of the processed-events collection. */
export const PROCESSED_EVENT_MODEL = 'ConcurrencyProcessedEvent';

/** Schema of the processed-events collection. */
export const ProcessedEventSchema = new Schema<ProcessedEventDoc>(
  { _id: { type: String, required: true }, subscriber: { type: String, required: true }, eventId: { type: String, required: true }, processedAt: { type: Date, required: true }, purgeAt: Date },
  { collection: 'processed_events', versionKey: false },
);
// A marker only has to outlive redeliveries of its event, which stop once the event is delivered.
ProcessedEventSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
