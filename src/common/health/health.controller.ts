import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Public } from '../http/public.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
  ) {}

  /** The process is up (no dependencies checked: a liveness probe must not flap with the database). */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness probe', description: 'Answers 200 while the process runs; checks no dependency, so it never flaps with the database.' })
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Ready to serve: the database answers a ping. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe', description: 'Answers 200 when the database answers a ping within 3 s, 503 otherwise.' })
  @ApiOkResponse({ description: 'The database answers.' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.mongoose.pingCheck('database', { timeout: 3000 })]);
  }
}
