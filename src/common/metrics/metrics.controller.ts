import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { register } from 'prom-client';
import { ServesWithoutIndexes } from '../database/index-gate.guard';
import { Public } from '../http/public.decorator';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * Prometheus scrape endpoint on the API port: http_* metrics plus whatever the libraries
 * register. Public to the user auth (scrapers have no user), but behind METRICS_TOKEN when
 * one is set; absent when METRICS_PORT moves it to a port of its own (metrics-server.ts).
 */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@ServesWithoutIndexes()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
