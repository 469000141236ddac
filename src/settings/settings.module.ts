import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Setting, SettingSchema } from './setting.schema';
import { SettingRepository } from './setting.repository';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** Tenant settings, including list settings (dropdown options) that merge concurrent edits. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Setting.name, schema: SettingSchema }])],
  controllers: [SettingsController],
  providers: [SettingRepository, SettingsService],
})
export class SettingsModule {}
