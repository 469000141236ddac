/**
 * The app plus the deliberately unsafe allocate-naive route (bench/naive-allocation), for the
 * bench's allocate-naive scenario only: the app exactly as src/main.ts builds it, with one
 * extra module. Run from source (@swc-node/register) by bench/processes.ts; the route is never
 * in `nest build` output.
 */
import 'reflect-metadata';
import { createApp } from '../src/app.factory';
import { AppConfigService } from '../src/common/config/app-config.service';
import { NaiveAllocationModule } from './naive-allocation/naive-allocation.module';

async function main(): Promise<void> {
  const app = await createApp({ extraModules: [NaiveAllocationModule] });
  const config = app.get(AppConfigService);
  await app.listen({ port: config.get('PORT'), host: config.get('HOST') || '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
