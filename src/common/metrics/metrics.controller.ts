import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { register } from 'prom-client';
import { ServesWithoutIndexes } from '../database/index-gate.guard';
import { Public } from '../http/public.decorator';

/** Prometheus scrape endpoint: http_* metrics plus whatever the libraries register. */
@ApiExcludeController()
@Public()
@ServesWithoutIndexes()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
