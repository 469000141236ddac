/**
 * Benchmark (never a test): the price of safety. Requests/s of a plain PATCH handler (one
 * unguarded findOneAndUpdate) vs the same change made safe with @Transactional +
 * @RequireIfMatch + updateVersioned, on the in-memory emulator, driven by autocannon.
 *
 *   node --require @swc-node/register bench/concurrency.ts [durationSeconds=5] [connections=32]
 */
import 'reflect-metadata';
import { Body, Controller, Injectable, Param, Patch } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { IfMatchVersion, RequireIfMatch, Transactional, updateVersioned, versionedPlugin } from '@app/concurrency';
import { startTestApp } from '@app/concurrency/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';

// autocannon ships without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{ requests: { average: number }; non2xx: number; errors: number; latency: { p99: number } }>;

interface Item { name: string; version: number }
const ItemSchema = new Schema<Item>({ name: String });
ItemSchema.plugin(versionedPlugin);

@Injectable()
class ItemService {
  constructor(@InjectModel('Item') readonly items: Model<Item>) {}

  async renamePlain(id: string, name: string) {
    return this.items.findOneAndUpdate({ _id: id }, { $set: { name } }, { returnDocument: 'after' }).lean();
  }

  @Transactional()
  async renameSafe(id: string, expectedVersion: number, name: string) {
    return updateVersioned(this.items, { filter: { _id: id }, expectedVersion, update: { $set: { name } } });
  }
}

@Controller('items')
class ItemsController {
  constructor(private readonly svc: ItemService) {}

  @Patch(':id/plain')
  plain(@Param('id') id: string, @Body() body: { name: string }) {
    return this.svc.renamePlain(id, body.name);
  }

  @Patch(':id/safe')
  @RequireIfMatch()
  safe(@Param('id') id: string, @IfMatchVersion() version: number, @Body() body: { name: string }) {
    return this.svc.renameSafe(id, version, body.name);
  }
}

async function main(): Promise<void> {
  const duration = Number(process.argv[2] ?? 5);
  const connections = Number(process.argv[3] ?? 32);
  const emu = await MongoEmulator.start();
  const t = await startTestApp({ uri: emu.uri, imports: [MongooseModule.forFeature([{ name: 'Item', schema: ItemSchema }])], providers: [ItemService], controllers: [ItemsController] });
  const svc = t.app.get(ItemService);
  const docs = await svc.items.insertMany(Array.from({ length: connections * 2 }, (_, i) => ({ name: `item${i}` })));

  // Each in-flight request takes a document from the pool and returns it with its new ETag,
  // so every safe request carries the current version (we measure cost, not conflicts).
  const run = async (mode: 'plain' | 'safe') => {
    const free = docs.map((d) => String(d._id));
    const versions = new Map(free.map((id) => [id, 1]));
    return autocannon({
      url: t.baseUrl,
      connections,
      duration,
      requests: [
        {
          method: 'PATCH',
          setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
            const id = free.shift()!;
            context.id = id;
            return { ...req, path: `/items/${id}/${mode}`, headers: { 'content-type': 'application/json', 'if-match': `"${versions.get(id)}"` }, body: JSON.stringify({ name: `n${Math.random()}` }) };
          },
          onResponse: (_status: number, _body: string, context: Record<string, unknown>, headers: Record<string, string>) => {
            const id = context.id as string;
            const etag = headers?.etag;
            if (etag) versions.set(id, Number(etag.replaceAll('"', '')));
            free.push(id);
          },
        },
      ],
    });
  };

  await run('plain'); // warm-up
  const plain = await run('plain');
  const safe = await run('safe');
  const row = (name: string, r: Awaited<ReturnType<typeof run>>) =>
    console.log(`${name.padEnd(38)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`);
  console.log(`\nPATCH (one document per in-flight request), ${connections} connections, ${duration}s each, emulator in-process\n`);
  row('plain findOneAndUpdate', plain);
  row('@Transactional + If-Match + versioned', safe);
  console.log(`\noverhead ratio (plain / safe): ${(plain.requests.average / Math.max(1, safe.requests.average)).toFixed(2)}×\n`);
  // autocannon stops with requests in flight: let them finish before closing the pool.
  await new Promise((r) => setTimeout(r, 2_000));
  await t.close();
  await emu.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
