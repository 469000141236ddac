import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, MongooseHealthIndicator } from '@nestjs/terminus';
import { NotReadyError } from '../database/database.errors';
import { ServesWithoutIndexes } from '../database/index-gate.guard';
import { IndexSync } from '../database/index-sync.service';
import { Public } from '../http/public.decorator';

@ApiTags('health')
@Public()
@ServesWithoutIndexes()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly indexes: IndexSync,
  ) {}

  /** The process is up (no dependencies checked: a liveness probe must not flap with the database). */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness probe', description: 'Answers 200 while the process runs; checks no dependency, so it never flaps with the database.' })
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Ready to serve: the database answers a ping and every index the invariants rely on is in place. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe', description: 'Answers 200 when the database answers a ping within 3 s and every index the invariants rely on is in place, 503 otherwise.' })
  @ApiOkResponse({ description: 'The database answers and its indexes are in place.' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer, or its indexes are being (re)built.' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.mongoose.pingCheck('database', { timeout: 3000 }), () => this.indexCheck()]);
    } catch (error) {
      // Problem Details like every other error, keeping which check failed (no driver messages).
      // Duck-typed: terminus may load its own copy of @nestjs/common's exception classes.
      const http = error as { getStatus?: () => number; getResponse?: () => unknown };
      if (http.getStatus?.() === 503 && http.getResponse) throw new NotReadyError({ details: this.statuses(http.getResponse()) });
      throw error;
    }
  }

  private statuses(response: unknown): Record<string, { status: string }> {
    const details = (response as { details?: Record<string, { status: string }> }).details ?? {};
    return Object.fromEntries(Object.entries(details).map(([name, d]) => [name, { status: d.status }]));
  }

  private async indexCheck() {
    const indicator = this.indicators.check('indexes');
    return (await this.indexes.check()) ? indicator.up() : indicator.down({ state: this.indexes.state });
  }
}
