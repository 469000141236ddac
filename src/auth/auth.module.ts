import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfigService } from '../common/config/app-config.service';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { AuthRouteAudit } from './auth-route-audit';
import { authThrottlerOptions } from './auth-throttler.guard';
import { AuthController } from './auth.controller';
import { LiveSessions } from './live-sessions';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { MongoThrottlerStorage } from './mongo-throttler.storage';
import { PasswordResetToken, PasswordResetTokenSchema } from './password-reset-token.schema';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordResetService } from './password-reset.service';
import { PasswordResetSubscriber } from './password-reset.subscriber';
import { SessionsModule } from './sessions.module';
import { ThrottleStorageModule } from './throttle-storage.module';
import { TokenService } from './token.service';

/**
 * Identity and access: signup, login, refresh rotation, logout, sessions, password reset, and
 * the global AuthGuard (deny by default) that every other module relies on.
 */
@Module({
  imports: [
    DiscoveryModule,
    MongooseModule.forFeature([{ name: PasswordResetToken.name, schema: PasswordResetTokenSchema }]),
    JwtModule.registerAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        // A key object, made once: given the string, jsonwebtoken tries createPublicKey() on it
        // and then derives a secret key, on every sign and every verify (11 % of get-item's CPU).
        secret: createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    // Not a global guard: only the routes marked @ThrottleLogin()/@ThrottleByIp() are limited.
    ThrottlerModule.forRootAsync({
      imports: [ThrottleStorageModule],
      inject: [AppConfigService, MongoThrottlerStorage],
      useFactory: (config: AppConfigService, storage: MongoThrottlerStorage) => authThrottlerOptions(config.get('AUTH_THROTTLE_ENABLED'), storage),
    }),
    TenantsModule,
    UsersModule,
    SessionsModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    PasswordResetService,
    PasswordResetTokensRepository,
    PasswordResetSubscriber,
    AuthRouteAudit,
    LiveSessions,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
