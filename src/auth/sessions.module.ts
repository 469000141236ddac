import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Session, SessionSchema } from './session.schema';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * Login sessions. A module of its own because both auth (login, refresh, the guard) and users
 * (role changes keep sessions' roles current) write them, and users must not import auth.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }])],
  providers: [SessionsRepository, SessionsService],
  // The repository for auth's own services (same folder); the service for the users module.
  exports: [SessionsRepository, SessionsService],
})
export class SessionsModule {}
