// expectEvents: observed command / CMAP / SDAM events against expectedEvent objects.
import type { RecordedEvent } from './entities';
import { eventCategory } from './entities';
import { assertMatch, type EntityLookup, MatchError } from './matcher';
import type { Doc, ExpectedEventsForClient } from './types';

function hasServiceId(ev: RecordedEvent): boolean {
  const id = ev.serviceId as { toHexString?: () => string } | undefined;
  return !!id && typeof id.toHexString === 'function' && !/^0+$/.test(id.toHexString());
}

function hasServerConnectionId(ev: RecordedEvent): boolean {
  const id = ev.serverConnectionId;
  return (typeof id === 'number' || typeof id === 'bigint') && id > 0;
}

const txnEndCommands = new Set(['commitTransaction', 'abortTransaction']);

/**
 * The Node driver (7.x) deliberately sends `wtimeout: 10000` with the write concern of
 * commitTransaction/abortTransaction whenever a write concern is configured (sessions.js:
 * `WriteConcern.apply(command, { wtimeoutMS: 10000, w: 'majority', ...wc })`), where the spec
 * tests expect exactly the configured write concern. That key is the driver's choice, not the
 * server's, so it is dropped before matching unless the test itself asserts on wtimeout.
 */
function withoutDriverWtimeout(want: Doc | undefined, actual: RecordedEvent): unknown {
  const command = actual.command as Doc | undefined;
  const wc = command?.writeConcern as Doc | undefined;
  const expectedWc = want?.writeConcern;
  if (!command || !wc || !txnEndCommands.has(String(actual.commandName)) || Number(wc.wtimeout) !== 10000) return command;
  if (!expectedWc || typeof expectedWc !== 'object' || Object.keys(expectedWc).some((k) => k.startsWith('$$') || k === 'wtimeout')) return command;
  const { wtimeout: _dropped, ...rest } = wc;
  return { ...command, writeConcern: rest };
}

/** Throws MatchError when `actual` does not satisfy the expectedEvent `expected` ({ kind: assertions }). */
export function assertEvent(expected: Doc, actual: RecordedEvent, entities: EntityLookup, path: string): void {
  const [kind, body] = Object.entries(expected)[0] as [string, Doc];
  if (actual.kind !== kind) throw new MatchError(path, `expected ${kind}, got ${actual.kind}${actual.commandName ? ` (${String(actual.commandName)})` : ''}`);
  for (const [field, want] of Object.entries(body ?? {})) {
    const at = `${path}.${field}`;
    switch (field) {
      case 'command':
        assertMatch(want, withoutDriverWtimeout(want as Doc, actual), { root: true, entities });
        break;
      case 'reply':
        assertMatch(want, actual[field], { root: true, entities });
        break;
      case 'commandName':
      case 'databaseName':
      case 'reason':
      case 'interruptInUseConnections':
      case 'awaited':
        if (actual[field] !== want) throw new MatchError(at, `expected ${JSON.stringify(want)}, got ${JSON.stringify(actual[field])}`);
        break;
      case 'hasServiceId':
        if (hasServiceId(actual) !== want) throw new MatchError(at, `expected hasServiceId ${String(want)}`);
        break;
      case 'hasServerConnectionId':
        if (hasServerConnectionId(actual) !== want) throw new MatchError(at, `expected hasServerConnectionId ${String(want)}`);
        break;
      case 'previousDescription':
      case 'newDescription': {
        const d = actual[field] as Doc | undefined;
        for (const [k, v] of Object.entries(want as Doc)) {
          if (d?.[k] !== v) throw new MatchError(`${at}.${k}`, `expected ${JSON.stringify(v)}, got ${JSON.stringify(d?.[k])}`);
        }
        break;
      }
      default:
        throw new Error(`unsupported assertion ${field} in ${kind}`);
    }
  }
}

export function matchesEvent(expected: Doc, actual: RecordedEvent, entities: EntityLookup): boolean {
  try {
    assertEvent(expected, actual, entities, 'event');
    return true;
  } catch (e) {
    if (e instanceof MatchError) return false;
    throw e;
  }
}

export function countMatchingEvents(events: RecordedEvent[], expected: Doc, entities: EntityLookup): number {
  return events.filter((e) => matchesEvent(expected, e, entities)).length;
}

function label(ev: RecordedEvent): string {
  return ev.commandName ? `${ev.kind}(${String(ev.commandName)})` : ev.kind;
}

/** One expectedEventsForClient block. */
export function assertEventsForClient(spec: ExpectedEventsForClient, observed: RecordedEvent[], entities: EntityLookup): void {
  const type = spec.eventType ?? 'command';
  const actual = observed.filter((e) => eventCategory(e.kind) === type);
  const where = `events[${spec.client}]`;
  if (actual.length < spec.events.length || (!spec.ignoreExtraEvents && actual.length !== spec.events.length)) {
    throw new MatchError(
      where,
      `expected ${spec.events.length} ${type} event(s) [${spec.events.map((e) => Object.keys(e)[0] + cmdName(e)).join(', ')}], got ${actual.length} [${actual.map(label).join(', ')}]`,
    );
  }
  spec.events.forEach((e, i) => assertEvent(e, actual[i], entities, `${where}[${i}]`));
}

function cmdName(e: Doc): string {
  const body = Object.values(e)[0] as Doc | undefined;
  const name = body?.commandName ?? (body?.command ? Object.keys(body.command as Doc)[0] : undefined);
  return name ? `(${String(name)})` : '';
}
