import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One rate-limit window of one tracker (an IP or an email) on one route: shared by every app
 * instance, so N instances do not give an attacker N× the attempts. Not tenant data — the
 * tracker exists before anyone is authenticated.
 */
@Schema({ collection: 'auth_throttle_counters', versionKey: false })
export class ThrottleCounter {
  /** `<throttler>:<key>`; the key is @nestjs/throttler's hash of route and tracker. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Number, required: true })
  hits: number;

  /** End of the window that started with the first hit; the TTL index removes the document after it. */
  @Prop({ type: Date, required: true })
  expiresAt: Date;
}

export const ThrottleCounterSchema = SchemaFactory.createForClass(ThrottleCounter);
ThrottleCounterSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
