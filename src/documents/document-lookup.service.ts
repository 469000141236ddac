import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { TenantContext } from '../common/tenancy/tenant-context';
import { DocumentRepository } from './document.repository';

/**
 * What other modules may ask about documents (e.g. versioning checks that a file's owner
 * exists). Exported by DocumentsModule; never exposes the model.
 */
@Injectable()
export class DocumentLookupService {
  constructor(private readonly documents: DocumentRepository) {}

  /**
   * True when the document exists in the given tenant — by default the current request's
   * tenant, so another tenant's document reads as missing. Malformed ids are simply absent.
   */
  async exists(documentId: string, tenantId: string | undefined = TenantContext.current()): Promise<boolean> {
    if (!tenantId) throw new Error('DocumentLookupService.exists() needs a tenant: call it inside a request or pass tenantId.');
    if (!Types.ObjectId.isValid(documentId) || !/^[0-9a-f]{24}$/i.test(documentId)) return false;
    return this.documents.exists({ tenantId, _id: documentId });
  }
}
