import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AppLogger } from './app-logger.service';

function capture(): { logger: AppLogger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: new AppLogger(pino({ level: 'info' }, sink)), lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

describe(AppLogger.name, () => {
  it("writes Nest's (message, context) and (message, stack, context) as pino lines", () => {
    const { logger, lines } = capture();
    logger.log('hello', 'Bootstrap');
    logger.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    logger.debug('not at info');
    const [info, error] = lines();
    assert.equal(lines().length, 2);
    assert.deepEqual([info.msg, info.context, info.level], ['hello', 'Bootstrap', 30]);
    assert.deepEqual([error.msg, error.context, error.stack, error.level], ['boom', 'ExceptionsHandler', 'Error: boom\n    at x', 50]);
  });

  it('prints the route map of controllers outside the global prefix without the prefix', () => {
    const { logger, lines } = capture();
    logger.excludeFromPrefix('api/v1', ['health/live', 'health/ready', 'metrics']);
    logger.log('HealthController {/api/v1/health}:', 'RoutesResolver');
    logger.log('MetricsController {/api/v1/metrics}:', 'RoutesResolver');
    logger.log('ItemsController {/api/v1/inventory/items}:', 'RoutesResolver');
    assert.deepEqual(
      lines().map((l) => l.msg),
      ['HealthController {/health}:', 'MetricsController {/metrics}:', 'ItemsController {/api/v1/inventory/items}:'],
    );
  });
});
