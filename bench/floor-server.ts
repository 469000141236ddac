/**
 * The bench's `floor`: what one authenticated read by id costs on this machine without any
 * framework — node:http, the official mongodb driver, an HS256 check and one findOne by id on
 * the same emulator the app uses. The app's get-item does more (session revocation check,
 * tenant scope, validation, ETag, Problem Details, metrics, a log line), so get-item / floor
 * says what all of that costs together.
 *
 * Started by bench/run.ts as its own process:
 *   node --require @swc-node/register bench/floor-server.ts   (MONGODB_URI, JWT_SECRET, PORT)
 * Seeds one document and prints one JSON line {"port", "id", "tenantId"} once it listens.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { MongoClient, ObjectId } from 'mongodb';

const HEADER_HS256 = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const ITEM_PATH = /^\/items\/([0-9a-f]{24})$/;

/** The claims, or undefined: wrong algorithm, bad signature, expired or malformed. */
function verify(key: KeyObject, token: string): { sub: string; tid: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'HS256') return undefined;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { sub?: unknown; tid?: unknown; exp?: unknown };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return undefined;
  if (typeof claims.sub !== 'string' || typeof claims.tid !== 'string') return undefined;
  return { sub: claims.sub, tid: claims.tid };
}

/** Signs a token the floor accepts (used by the bench, which knows the secret). */
export function signFloorToken(secretText: string, claims: { sub: string; tid: string }, ttlSeconds: number): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds })).toString('base64url');
  const signature = createHmac('sha256', secretText).update(`${HEADER_HS256}.${payload}`).digest('base64url');
  return `${HEADER_HS256}.${payload}.${signature}`;
}

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  const secret = process.env.JWT_SECRET;
  if (!uri || !secret) throw new Error('MONGODB_URI and JWT_SECRET are required');
  // Made once, as any careful HS256 verifier would.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const client = await new MongoClient(uri).connect();
  const items = client.db('bench-floor').collection('items');
  const tenantId = new ObjectId();
  const { insertedId } = await items.insertOne({ tenantId, sku: 'FLOOR-1', name: 'Floor item', quantityOnHand: 100, quantityAllocated: 0, version: 1 });

  const server = createServer((req, res) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const match = req.method === 'GET' ? ITEM_PATH.exec(req.url ?? '') : null;
    if (!match) return send(404, '{"status":404}');
    const auth = req.headers.authorization;
    let claims: ReturnType<typeof verify>;
    try {
      claims = auth?.startsWith('Bearer ') ? verify(key, auth.slice(7)) : undefined;
    } catch {
      claims = undefined;
    }
    if (!claims || !ObjectId.isValid(claims.tid)) return send(401, '{"status":401}');
    items.findOne({ _id: new ObjectId(match[1]), tenantId: new ObjectId(claims.tid) }).then(
      (doc) => (doc ? send(200, JSON.stringify(doc)) : send(404, '{"status":404}')),
      () => send(503, '{"status":503}'),
    );
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ port, id: insertedId.toHexString(), tenantId: tenantId.toHexString() })}\n`);
  });
  const stop = () => server.close(() => void client.close().finally(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`floor-server: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  });
}
