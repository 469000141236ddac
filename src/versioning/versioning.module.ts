import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DocumentsModule } from '../documents/documents.module';
import { InventoryModule } from '../inventory/inventory.module';
import { FileContentRepository } from './file-content.repository';
import { FileVersionRepository } from './file-version.repository';
import { FILE_VERSION_MODEL, FileVersionSchema } from './file-version.schema';
import { VersioningController } from './versioning.controller';
import { VersioningService } from './versioning.service';

/**
 * File versions attached to documents and sales orders: gap-free, duplicate-free numbers per
 * owner and exactly one current version, with the bytes (optionally) in GridFS. Owners are
 * checked through the lookups DocumentsModule and InventoryModule export.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: FILE_VERSION_MODEL, schema: FileVersionSchema }]), DocumentsModule, InventoryModule],
  controllers: [VersioningController],
  providers: [FileVersionRepository, FileContentRepository, VersioningService],
})
export class VersioningModule {}
