/**
 * `$text` search over a collection's text index, scored like mongod's FTS (version 3):
 * Unicode word tokens, case and diacritics folded, English stop words dropped, Snowball
 * stemming; a field's score for a term is weight × Σ(1/2^k over its occurrences) ×
 * (0.5 + 0.5 × occurrences / tokens), and a document's textScore sums its query terms.
 * Languages other than English and "none", and case/diacritic-sensitive searches, are
 * refused rather than approximated.
 */
import { newStemmer } from 'snowball-stemmers';
import { Doc, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { pathCandidates } from './paths';

/** The text index a `$text` query uses, and where matching documents' scores go. */
export interface TextContext {
  index?: TextIndexSpec;
  /** textScore of each document that matched `$text` (read by `{$meta: 'textScore'}`). */
  scores: WeakMap<Doc, number>;
}

export interface TextIndexSpec {
  /** Weighted fields; undefined = wildcard (`$**`): every string field. */
  weights?: Map<string, number>;
  wildcardWeight: number;
  defaultLanguage: string;
  languageOverride: string;
}

/** Variable name under which expressions find the text scores (not a valid user variable name). */
export const TEXT_SCORES_VAR = ' textScores';

// MongoDB's English stop word list.
const ENGLISH_STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are aren't as at be because been before being below between both but by " +
    "can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't " +
    "have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is " +
    "isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out " +
    "over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then " +
    "there there's these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll " +
    "we're we've were weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't you " +
    "you'd you'll you're you've your yours yourself yourselves"
  ).split(' '),
);

const englishStemmer = newStemmer('english');

function checkLanguage(lang: string): 'english' | 'none' {
  const l = lang.toLowerCase();
  if (l === 'english' || l === 'en') return 'english';
  if (l === 'none') return 'none';
  throw new CommandError(17262, `language override unsupported by the emulator: ${lang} (only english and none)`);
}

/** Lower-cased, diacritic-free text (mongod's default case/diacritic insensitivity). */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

function rawTokens(s: string): string[] {
  return fold(s)
    .split(/[^\p{L}\p{N}']+/u)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter((t) => t !== '');
}

/** Index terms of a string: tokens minus stop words, stemmed. */
function terms(s: string, lang: 'english' | 'none'): string[] {
  const out: string[] = [];
  for (const t of rawTokens(s)) {
    if (lang === 'english') {
      if (ENGLISH_STOP_WORDS.has(t)) continue;
      for (const part of t.split("'")) if (part && !ENGLISH_STOP_WORDS.has(part)) out.push(englishStemmer.stem(part));
    } else out.push(...t.split("'").filter((p) => p));
  }
  return out;
}

/** The text index of a collection from its index specs, or undefined. */
export function textIndexFrom(specs: Iterable<Doc>): TextIndexSpec | undefined {
  for (const spec of specs) {
    const key = spec.key as Doc;
    const fields = Object.entries(key).filter(([, d]) => d === 'text');
    if (fields.length === 0) continue;
    if (Object.keys(key).length !== fields.length) {
      throw new CommandError(2, '$text over a compound text index with non-text fields is not supported by the emulator');
    }
    const weights = isPlainObject(spec.weights) ? spec.weights : {};
    const wildcard = fields.some(([f]) => f === '$**') || weights['$**'] !== undefined;
    const map = new Map<string, number>();
    for (const [f] of fields) if (f !== '$**') map.set(f, 1);
    for (const [f, w] of Object.entries(weights)) if (f !== '$**' && isNumeric(w)) map.set(f, toNumber(w));
    return {
      weights: wildcard ? undefined : map,
      wildcardWeight: isNumeric(weights['$**']) ? toNumber(weights['$**']) : 1,
      defaultLanguage: typeof spec.default_language === 'string' ? spec.default_language : 'english',
      languageOverride: typeof spec.language_override === 'string' ? spec.language_override : 'language',
    };
  }
  return undefined;
}

interface ParsedSearch {
  positive: string[];
  negative: Set<string>;
  phrases: string[];
  negPhrases: string[];
}

function parseSearch(search: string, lang: 'english' | 'none'): ParsedSearch {
  const out: ParsedSearch = { positive: [], negative: new Set(), phrases: [], negPhrases: [] };
  const re = /(-?)"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(search); m; m = re.exec(search)) {
    if (m[2] !== undefined) {
      const phrase = fold(m[2]).trim();
      if (!phrase) continue;
      if (m[1] === '-') out.negPhrases.push(phrase);
      else {
        out.phrases.push(phrase);
        out.positive.push(...terms(phrase, lang));
      }
      continue;
    }
    const word = m[3];
    if (word.startsWith('-') && word.length > 1) for (const t of terms(word.slice(1), lang)) out.negative.add(t);
    else out.positive.push(...terms(word, lang));
  }
  return out;
}

/** Per-term score of a document's indexed strings (mongod's scoring, FTS v3). */
function scoreDocument(doc: Doc, spec: TextIndexSpec, lang: 'english' | 'none'): { scores: Map<string, number>; text: string[] } {
  const scores = new Map<string, number>();
  const text: string[] = [];
  const add = (s: string, weight: number) => {
    text.push(fold(s));
    const ts = terms(s, lang);
    const seen = new Map<string, { exp: number; count: number; freq: number }>();
    for (const t of ts) {
      const d = seen.get(t) ?? { exp: 0, count: 0, freq: 0 };
      d.exp = d.exp === 0 ? 1 : d.exp * 2;
      d.count += 1;
      d.freq += 1 / d.exp;
      seen.set(t, d);
    }
    for (const [t, d] of seen) {
      const coeff = 0.5 * (d.count / ts.length) + 0.5;
      scores.set(t, (scores.get(t) ?? 0) + weight * d.freq * coeff);
    }
  };
  const strings = (v: unknown, weight: number) => {
    if (typeof v === 'string') add(v, weight);
    else if (Array.isArray(v)) for (const e of v) if (typeof e === 'string') add(e, weight);
  };
  if (spec.weights) {
    for (const [field, weight] of spec.weights) {
      for (const c of pathCandidates(doc, field.split('.'))) if (!c.expanded) strings(c.v, weight);
    }
  } else {
    const visit = (v: unknown) => {
      if (typeof v === 'string') add(v, spec.wildcardWeight);
      else if (Array.isArray(v)) v.forEach(visit);
      else if (isPlainObject(v)) Object.values(v).forEach(visit);
    };
    visit(doc);
  }
  return { scores, text };
}

/** Compiles `{$text: {...}}` into a predicate that also records each match's textScore. */
export function compileText(arg: unknown, ctx: TextContext | undefined): (doc: Doc) => boolean {
  if (!isPlainObject(arg)) throw new CommandError(2, '$text expects an object');
  for (const k of Object.keys(arg)) {
    if (!['$search', '$language', '$caseSensitive', '$diacriticSensitive'].includes(k)) {
      throw new CommandError(2, `extra fields in $text: ${k}`);
    }
  }
  if (typeof arg.$search !== 'string') throw new CommandError(2, '$search required to be a string');
  if (arg.$caseSensitive === true || arg.$diacriticSensitive === true) {
    throw new CommandError(2, '$caseSensitive and $diacriticSensitive text search are not supported by the emulator');
  }
  const index = ctx?.index;
  if (!ctx || !index) throw new CommandError(27, 'text index required for $text query');
  const queryLang = checkLanguage(typeof arg.$language === 'string' ? arg.$language : index.defaultLanguage);
  const q = parseSearch(arg.$search, queryLang);
  return (doc) => {
    const override = doc[index.languageOverride];
    const lang = typeof override === 'string' ? checkLanguage(override) : checkLanguage(index.defaultLanguage);
    const { scores, text } = scoreDocument(doc, index, lang);
    for (const t of q.negative) if (scores.has(t)) return false;
    for (const p of q.negPhrases) if (text.some((s) => s.includes(p))) return false;
    for (const p of q.phrases) if (!text.some((s) => s.includes(p))) return false;
    let score = 0;
    let any = false;
    for (const t of new Set(q.positive)) {
      const s = scores.get(t);
      if (s !== undefined) {
        score += s;
        any = true;
      }
    }
    if (!any) return false;
    ctx.scores.set(doc, score);
    return true;
  };
}

/** Whether a filter uses `$text` (at the top level or inside `$and`/`$or`). */
export function usesText(filter: unknown): boolean {
  if (!isPlainObject(filter)) return false;
  if (filter.$text !== undefined) return true;
  for (const k of ['$and', '$or']) {
    const list = filter[k];
    if (Array.isArray(list) && list.some(usesText)) return true;
  }
  return false;
}

/** A text context for a query over a collection with these index specs. */
export function textContextFor(indexSpecs: Iterable<Doc>, filter: unknown): TextContext | undefined {
  if (!usesText(filter)) return undefined;
  return { index: textIndexFrom(indexSpecs), scores: new WeakMap() };
}
