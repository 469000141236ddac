import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { routeAccess } from './auth.guard';

/**
 * Fails the boot when any route is neither `@Public()` nor `@Authenticated(...)`.
 *
 * Why at boot rather than only a 401 at request time: a forgotten decorator is a programming
 * error, and every test run and every deployment boots the app, so it is caught before any
 * request, with the route named, instead of surfacing as a puzzling 401 (or not at all, for a
 * route no test calls). The guard still denies such a route at request time (defence in depth).
 */
@Injectable()
export class AuthRouteAudit implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const undeclared = this.undeclaredRoutes();
    if (undeclared.length > 0) {
      const message = `Routes without @Public() or @Authenticated() (the global AuthGuard would deny them): ${undeclared.join(', ')}`;
      new Logger(AuthRouteAudit.name).error(message);
      throw new Error(message);
    }
  }

  /** `Controller.method` of every route handler that declares no access. */
  undeclaredRoutes(): string[] {
    const found: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (routeAccess(this.reflector, handler, metatype).kind === 'undeclared') found.push(`${metatype.name}.${name}`);
      }
    }
    return found;
  }
}
