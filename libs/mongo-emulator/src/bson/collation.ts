/**
 * Collations: locale-aware string comparison with ICU semantics, through Node's own ICU
 * (`Intl.Collator`). MongoDB's options map onto it as follows — strength 1/2/3 → sensitivity
 * base/accent/variant, caseLevel with strength 1 → case, numericOrdering → numeric, caseFirst
 * upper/lower → caseFirst, alternate shifted (maxVariable punct) → ignorePunctuation. What
 * Intl cannot express (strength 4/5, caseLevel above strength 1, maxVariable space,
 * backwards, normalization) is refused with BadValue instead of compared differently.
 */
import { OrderedSet } from 'js-sdsl';
import { CommandError } from '../errors';
import { Doc, StringCompare, canonicalKey, isNumeric, isPlainObject, toNumber } from './values';

const FIELDS = new Set(['locale', 'caseLevel', 'caseFirst', 'strength', 'numericOrdering', 'alternate', 'maxVariable', 'normalization', 'backwards', 'version']);

/** ICU version mongod 7.0 reports in collation specs. */
const ICU_VERSION = '57.1';

const collators = new Map<string, Collation>();

export class Collation {
  /** The spec with every field filled in, as mongod reports it (listIndexes, listCollections). */
  readonly spec: Doc;
  /** Identity of the collation: two reads agree on string order exactly when their keys are equal. */
  readonly key: string;
  readonly compare: StringCompare;

  private constructor(spec: Doc, options: Intl.CollatorOptions, locale: string) {
    this.spec = spec;
    const { version: _v, ...identity } = spec;
    this.key = canonicalKey(identity);
    const collator = new Intl.Collator(locale, { usage: 'sort', ...options });
    this.compare = collator.compare;
  }

  /** A fresh equivalence map: `canon(s)` is the same string for every `s` this collation finds equal. */
  canonicalizer(): (s: string) => string {
    const seen = new OrderedSet<string>([], this.compare);
    return (s) => {
      const it = seen.find(s);
      if (!it.equals(seen.end())) return it.pointer;
      seen.insert(s);
      return s;
    };
  }

  /**
   * Parses a `collation` option: undefined for none or `{locale: 'simple'}` (binary order).
   * Fails like mongod on malformed specs and with BadValue on what Intl cannot reproduce.
   */
  static parse(raw: unknown): Collation | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!isPlainObject(raw)) throw new CommandError(14, "BSON field 'collation' is the wrong type, expected type 'object'");
    for (const k of Object.keys(raw)) if (!FIELDS.has(k)) throw new CommandError(40415, `BSON field 'collation.${k}' is an unknown field.`);
    const locale = raw.locale;
    if (typeof locale !== 'string') throw new CommandError(40414, "BSON field 'collation.locale' is missing but a required field");
    if (locale === 'simple') {
      if (Object.keys(raw).length > 1) throw new CommandError(2, `Collation with locale "simple" cannot have other fields: ${JSON.stringify(raw)}`);
      return undefined;
    }
    const cached = collators.get(canonicalKey(raw));
    if (cached) return cached;
    const bool = (name: string, dflt: boolean): boolean => {
      const v = raw[name];
      if (v === undefined) return dflt;
      if (typeof v !== 'boolean') throw new CommandError(14, `BSON field 'collation.${name}' is the wrong type, expected type 'bool'`);
      return v;
    };
    const str = (name: string, allowed: string[], dflt: string): string => {
      const v = raw[name];
      if (v === undefined) return dflt;
      if (typeof v !== 'string') throw new CommandError(14, `BSON field 'collation.${name}' is the wrong type, expected type 'string'`);
      if (!allowed.includes(v)) throw new CommandError(2, `Field '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}. Got: ${v}`);
      return v;
    };
    let strength = 3;
    if (raw.strength !== undefined) {
      if (!isNumeric(raw.strength)) throw new CommandError(14, "BSON field 'collation.strength' is the wrong type, expected type 'int'");
      strength = toNumber(raw.strength);
      if (![1, 2, 3, 4, 5].includes(strength)) throw new CommandError(2, `Field 'strength' must be an integer 1 through 5. Got: ${strength}`);
    }
    const caseLevel = bool('caseLevel', false);
    const caseFirst = str('caseFirst', ['upper', 'lower', 'off'], 'off');
    const numericOrdering = bool('numericOrdering', false);
    const alternate = str('alternate', ['non-ignorable', 'shifted'], 'non-ignorable');
    const maxVariable = str('maxVariable', ['punct', 'space'], 'punct');
    const normalization = bool('normalization', false);
    const backwards = bool('backwards', false);
    const icuLocale = locale.replace(/_/g, '-');
    let supported: string[] = [];
    try {
      supported = Intl.Collator.supportedLocalesOf(icuLocale.split('@')[0]);
    } catch {
      supported = [];
    }
    if (supported.length === 0 || icuLocale.includes('@')) throw new CommandError(2, `Field 'locale' is invalid in: ${JSON.stringify(raw)}`);
    const unsupported = (what: string) => new CommandError(2, `collation ${what} is not supported by the emulator (Intl.Collator cannot reproduce it)`);
    if (strength > 3) throw unsupported(`strength ${strength}`);
    if (caseLevel && strength > 1) throw unsupported('caseLevel with strength above 1');
    if (alternate === 'shifted' && maxVariable === 'space') throw unsupported("maxVariable 'space'");
    if (backwards) throw unsupported('backwards');
    if (normalization) throw unsupported('normalization');
    const options: Intl.CollatorOptions = {
      sensitivity: strength === 1 ? (caseLevel ? 'case' : 'base') : strength === 2 ? 'accent' : 'variant',
      numeric: numericOrdering,
      ignorePunctuation: alternate === 'shifted',
    };
    if (caseFirst !== 'off') options.caseFirst = caseFirst as 'upper' | 'lower';
    const spec: Doc = { locale, caseLevel, caseFirst, strength, numericOrdering, alternate, maxVariable, normalization, backwards, version: ICU_VERSION };
    const c = new Collation(spec, options, icuLocale);
    collators.set(canonicalKey(raw), c);
    return c;
  }
}
