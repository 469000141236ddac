import type { Schema } from 'mongoose';

/** Name of the version field the plugin adds. */
export const VERSION_FIELD = 'version';

/** Options of {@link versionedPlugin}. */
export interface VersionedPluginOptions {
  /**
   * Refuse `document.save()` on an existing document (default true): a save of a loaded
   * document overwrites concurrent changes; versioned changes go through updateVersioned.
   */
  forbidSave?: boolean;
}

/**
 * Adds an integer `version` (1 on create, +1 on every change made through updateVersioned /
 * transition) that is also the resource's strong ETag. Turns off mongoose's own `__v`.
 *
 * ```ts
 * ItemSchema.plugin(versionedPlugin);
 * ```
 */
export function versionedPlugin(schema: Schema, options: VersionedPluginOptions = {}): void {
  schema.add({
    [VERSION_FIELD]: {
      type: Number,
      required: true,
      default: 1,
      min: 1,
      validate: { validator: Number.isInteger, message: 'version must be an integer' },
    },
  });
  schema.set('versionKey', false);
  if (options.forbidSave ?? true) {
    schema.pre('save', function guardSave() {
      if (!this.isNew) {
        throw new Error(`save() of an existing versioned ${(this.constructor as { modelName?: string }).modelName ?? "document"} would overwrite concurrent changes; use updateVersioned() or transition().`);
      }
    });
  }
}

/** True when the model's schema carries the version field (then updates bump it). */
export function isVersioned(schema: Schema): boolean {
  return schema.path(VERSION_FIELD) !== undefined;
}
