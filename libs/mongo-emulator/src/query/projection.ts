/**
 * find/findAndModify projections: inclusion, exclusion, `_id` rules, nested paths through
 * arrays, positional `a.$`, `$slice`, `$elemMatch` and (4.4+) computed fields.
 * Aggregation `$project` reuses the same engine in `stage` mode.
 */
import { Doc, hasField, isNumeric, isPlainObject, setField, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { evaluateExpression, Vars } from './expression';
import { compileFilter } from './matcher';

type Node = { kind: 'include' } | { kind: 'exclude' } | { kind: 'tree'; children: Map<string, Node> } | { kind: 'expr'; expr: unknown } | { kind: 'slice'; skip: number; limit?: number } | { kind: 'elemMatch'; test: (e: unknown) => boolean } | { kind: 'positional' };

/** A compiled projection. `apply(doc, arrayIndex)` returns a new document. */
export interface Projection {
  apply(doc: Doc, arrayIndex?: number, vars?: Vars): Doc;
  readonly inclusion: boolean;
}

function isInclusionValue(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return undefined;
}

/** Compiles a projection spec. `stage` = aggregation `$project` (no `$slice`/positional operators). */
export function compileProjection(spec: Doc, stage = false): Projection {
  const root: Map<string, Node> = new Map();
  let inclusion: boolean | undefined;
  let idRule: boolean | undefined;
  let hasPositional = false;

  const setMode = (incl: boolean, path: string) => {
    if (inclusion === undefined) inclusion = incl;
    else if (inclusion !== incl) {
      throw incl
        ? new CommandError(31253, `Cannot do inclusion on field ${path} in exclusion projection`)
        : new CommandError(31254, `Cannot do exclusion on field ${path} in inclusion projection`);
    }
  };

  const insert = (path: string, node: Node) => {
    const parts = path.split('.');
    let level = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let n = level.get(parts[i]);
      if (!n || n.kind !== 'tree') {
        if (n) throw new CommandError(31250, `Path collision at ${path}`);
        n = { kind: 'tree', children: new Map() };
        level.set(parts[i], n);
      }
      level = n.children;
    }
    const last = parts[parts.length - 1];
    if (level.has(last)) throw new CommandError(31250, `Path collision at ${path}`);
    level.set(last, node);
  };

  const walkSpec = (obj: Doc, prefix: string) => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      const path = prefix ? `${prefix}.${key}` : key;
      if (key.startsWith('$')) throw new CommandError(2, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
      const incl = isInclusionValue(value);
      if (path === '_id' && incl !== undefined) {
        idRule = incl;
        continue;
      }
      if (!stage && path.endsWith('.$')) {
        if (incl === false) throw new CommandError(31395, 'positional projection cannot be used with exclusion');
        if (hasPositional) throw new CommandError(31276, "Cannot specify more than one positional projection per query.");
        hasPositional = true;
        setMode(true, path);
        insert(path.slice(0, -2), { kind: 'positional' });
        continue;
      }
      if (incl !== undefined) {
        setMode(incl, path);
        insert(path, incl ? { kind: 'include' } : { kind: 'exclude' });
        continue;
      }
      if (isPlainObject(value)) {
        const keys = Object.keys(value);
        if (!stage && keys.length === 1 && keys[0] === '$slice') {
          const s = value.$slice;
          let node: Node;
          if (Array.isArray(s)) node = { kind: 'slice', skip: toNumber(s[0]), limit: toNumber(s[1]) };
          else if (isNumeric(s)) node = { kind: 'slice', skip: 0, limit: toNumber(s) };
          else throw new CommandError(2, '$slice only supports numbers and [skip, limit] arrays');
          insert(path, node);
          continue;
        }
        if (!stage && keys.length === 1 && keys[0] === '$elemMatch') {
          const em = value.$elemMatch;
          if (!isPlainObject(em)) throw new CommandError(2, 'elemMatch: Invalid argument, object required.');
          const valueMode = Object.keys(em).length > 0 && Object.keys(em).every((k) => k.startsWith('$'));
          const p = compileFilter(valueMode ? { v: em } : em);
          setMode(true, path);
          insert(path, { kind: 'elemMatch', test: valueMode ? (e) => p({ v: e }) : (e) => isPlainObject(e) && p(e) });
          continue;
        }
        if (keys.length === 1 && keys[0] === '$meta') {
          // metadata fields ({score: {$meta: 'textScore'}}) fit inclusion and exclusion projections alike
          insert(path, { kind: 'expr', expr: value });
          continue;
        }
        if (keys.length > 0 && keys[0].startsWith('$')) {
          setMode(true, path);
          insert(path, { kind: 'expr', expr: value });
          continue;
        }
        if (keys.length === 0) throw new CommandError(51270, `An empty sub-projection is not a valid value. Found empty object at path`);
        walkSpec(value, path);
        continue;
      }
      // literals (strings, arrays, ...) are computed values
      setMode(true, path);
      insert(path, { kind: 'expr', expr: typeof value === 'string' || Array.isArray(value) ? value : { $literal: value } });
    }
  };
  walkSpec(spec, '');

  const isInclusion = inclusion === true || (inclusion === undefined && idRule === true);
  const includeId = idRule ?? true;

  const apply = (doc: Doc, arrayIndex?: number, vars?: Vars): Doc => {
    const out = isInclusion ? applyInclusion(doc, root, doc, arrayIndex, vars) : applyExclusion(doc, root, doc, arrayIndex, vars);
    if (isInclusion) {
      if (includeId && doc._id !== undefined && !root.has('_id')) return { _id: doc._id, ...out };
      return out;
    }
    if (!includeId) delete out._id;
    return out;
  };
  return { apply, inclusion: isInclusion };
}

function sliceArray(a: unknown[], node: { skip: number; limit?: number }): unknown[] {
  if (node.limit === undefined) return a;
  let skip = node.skip;
  if (skip < 0) skip = Math.max(0, a.length + skip);
  return a.slice(skip, skip + node.limit);
}

function applySpecial(value: unknown, node: Node, arrayIndex: number | undefined, path: string): { set: boolean; value?: unknown } {
  switch (node.kind) {
    case 'slice': {
      if (!Array.isArray(value)) return { set: value !== undefined, value };
      if (node.skip === 0 && node.limit !== undefined && node.limit < 0) return { set: true, value: value.slice(node.limit) };
      return { set: true, value: sliceArray(value, node) };
    }
    case 'elemMatch': {
      if (!Array.isArray(value)) return { set: false };
      const hit = value.find((e) => node.test(e));
      return hit === undefined ? { set: false } : { set: true, value: [hit] };
    }
    case 'positional': {
      if (!Array.isArray(value)) return { set: value !== undefined, value };
      if (arrayIndex === undefined || arrayIndex >= value.length) {
        throw new CommandError(51246, `Executor error during find command :: caused by :: positional operator '${path}.$' requires corresponding field in query specifier`);
      }
      return { set: true, value: [value[arrayIndex]] };
    }
    default:
      return { set: false };
  }
}

/**
 * Puts one present field of the document into `out` as its projection node says, in either
 * mode: excluded and computed fields add nothing here (computed ones are evaluated after).
 */
function projectField(out: Doc, key: string, value: unknown, node: Node, root: Doc, arrayIndex: number | undefined, vars: Vars | undefined, inclusion: boolean): void {
  switch (node.kind) {
    case 'include':
      setField(out, key, value);
      return;
    case 'tree': {
      const sub = projectNested(value, node.children, root, arrayIndex, vars, inclusion);
      if (sub !== undefined) setField(out, key, sub);
      return;
    }
    case 'exclude':
    case 'expr':
      return;
    default: {
      const r = applySpecial(value, node, arrayIndex, key);
      if (r.set) setField(out, key, r.value);
    }
  }
}

function applyInclusion(doc: Doc, tree: Map<string, Node>, root: Doc, arrayIndex: number | undefined, vars: Vars | undefined): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    if (!node) continue;
    const value = doc[key];
    if (value !== undefined) projectField(out, key, value, node, root, arrayIndex, vars, true);
  }
  // computed fields, in spec order
  for (const [key, node] of tree) {
    if (node.kind === 'expr') {
      const v = evaluateExpression(node.expr, root, vars);
      if (v !== undefined) setField(out, key, v);
    } else if (node.kind === 'tree' && hasExpr(node.children) && !(hasField(doc, key) && isPlainObject(doc[key]))) {
      const sub = applyInclusion({}, node.children, root, arrayIndex, vars);
      if (Object.keys(sub).length) setField(out, key, sub);
    }
  }
  return out;
}

function hasExpr(tree: Map<string, Node>): boolean {
  for (const n of tree.values()) if (n.kind === 'expr' || (n.kind === 'tree' && hasExpr(n.children))) return true;
  return false;
}

function projectNested(value: unknown, tree: Map<string, Node>, root: Doc, arrayIndex: number | undefined, vars: Vars | undefined, inclusion: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const e of value) {
      if (isPlainObject(e) || Array.isArray(e)) {
        const r = projectNested(e, tree, root, arrayIndex, vars, inclusion);
        if (r !== undefined) out.push(r);
      } else if (!inclusion) out.push(e);
    }
    return out;
  }
  if (isPlainObject(value)) {
    return inclusion ? applyInclusion(value, tree, root, arrayIndex, vars) : applyExclusion(value, tree, root, arrayIndex, vars);
  }
  return inclusion ? (hasExpr(tree) ? applyInclusion({}, tree, root, arrayIndex, vars) : undefined) : value;
}

function applyExclusion(doc: Doc, tree: Map<string, Node>, root: Doc, arrayIndex: number | undefined, vars: Vars | undefined): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    const value = doc[key];
    if (value === undefined) continue;
    if (node) projectField(out, key, value, node, root, arrayIndex, vars, false);
    else setField(out, key, value);
  }
  if (doc === root) {
    for (const [key, node] of tree) {
      if (node.kind !== 'expr') continue;
      const v = evaluateExpression(node.expr, root, vars);
      if (v !== undefined) setField(out, key, v);
    }
  }
  return out;
}
