/**
 * `npm run db:emulator -- --port 27017`: runs the emulator until interrupted and prints the
 * connection string (usable by mongosh or any driver).
 */
import { MongoEmulator, MongoEmulatorOptions } from './mongo-emulator';

function parseArgs(argv: string[]): MongoEmulatorOptions {
  const opts: MongoEmulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port':
      case '-p':
        opts.port = Number(value());
        break;
      case '--host':
      case '--bind_ip':
        opts.host = value();
        break;
      case '--advertised-host':
        opts.advertisedHost = value();
        break;
      case '--replSet':
      case '--replica-set':
        opts.replicaSetName = value();
        break;
      case '--dbpath':
        opts.dbPath = value() ?? '';
        break;
      case '--transaction-lifetime-limit-seconds':
        opts.transactionLifetimeLimitSeconds = Number(value());
        break;
      case '--secondaries':
        opts.secondaries = Number(value());
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'usage: npm run db:emulator -- [--port 27017] [--host 127.0.0.1] [--advertised-host name] [--replSet rs0] [--dbpath DIR] [--transaction-lifetime-limit-seconds 60] [--secondaries 0]\n',
        );
        process.exit(0);
        break;
      default:
        process.stderr.write(`unknown option ${a}\n`);
        process.exit(2);
    }
  }
  if (opts.dbPath === '') {
    process.stderr.write('--dbpath needs a directory\n');
    process.exit(2);
  }
  if (opts.port !== undefined && !Number.isInteger(opts.port)) {
    process.stderr.write('--port must be an integer\n');
    process.exit(2);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.port === undefined) opts.port = 27017;
  const emu = await MongoEmulator.start(opts);
  const storage = opts.dbPath ? `data in ${opts.dbPath}` : 'in-memory';
  process.stdout.write(`MongoDB emulator (${storage}, replica set primary) listening\n${emu.uri}\n`);
  const shutdown = async () => {
    await emu.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
