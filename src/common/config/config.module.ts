import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfigService } from './app-config.service';
import { validateEnvironment } from './environment';

/** Loads and validates the environment once, at boot; fails fast with a clear message. */
@Global()
@Module({
  imports: [NestConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment })],
  providers: [AppConfigService],
  exports: [AppConfigService],
})
export class AppConfigModule {}
