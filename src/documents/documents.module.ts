import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DocumentApprovalsController } from './document-approvals.controller';
import { DocumentApprovalsService } from './document-approvals.service';
import { DocumentLookupService } from './document-lookup.service';
import { DocumentRecord, DocumentRecordSchema } from './document.schema';
import { DocumentRepository } from './document.repository';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

/**
 * Tenant documents with lost-update-free editing, the approval workflow and bulk edits.
 * Exports DocumentLookupService (e.g. for versioning: "does this owner exist?").
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: DocumentRecord.name, schema: DocumentRecordSchema }])],
  controllers: [DocumentsController, DocumentApprovalsController],
  providers: [DocumentRepository, DocumentsService, DocumentApprovalsService, DocumentLookupService],
  exports: [DocumentLookupService],
})
export class DocumentsModule {}
