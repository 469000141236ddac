import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SessionsModule } from '../auth/sessions.module';
import { TenantsModule } from '../tenants/tenants.module';
import { PasswordHasher } from './password-hasher';
import { User, UserSchema } from './user.schema';
import { UsersController } from './users.controller';
import { UserAccountsService } from './user-accounts.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UsersLookupService } from './users-lookup.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }]), TenantsModule, SessionsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, UsersLookupService, UserAccountsService, PasswordHasher],
  exports: [UsersLookupService, UserAccountsService, PasswordHasher],
})
export class UsersModule {}
