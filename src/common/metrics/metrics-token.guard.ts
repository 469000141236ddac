import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@app/problem-details';
import type { FastifyRequest } from 'fastify';
import { AppConfigService } from '../config/app-config.service';
import { metricsTokenAccepted } from './metrics-access';

/** GET /metrics on the API port: 401 unless the METRICS_TOKEN bearer is sent (when one is configured). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!metricsTokenAccepted(this.config.get('METRICS_TOKEN'), request.headers.authorization)) {
      throw new UnauthenticatedError('GET /metrics needs the metrics bearer token (METRICS_TOKEN).');
    }
    return true;
  }
}
