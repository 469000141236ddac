import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { DocumentsService } from './documents.service';
import { BulkUpdateDocumentsDto } from './dto/bulk-update-documents.dto';
import { BulkUpdateResultDto } from './dto/bulk-update-result.dto';
import { CreateDocumentDto } from './dto/create-document.dto';
import { DocumentPageDto } from './dto/document-page.dto';
import { DocumentStatsDto } from './dto/document-stats.dto';
import { DocumentDto } from './dto/document.dto';
import { ListDocumentsDto } from './dto/list-documents.dto';
import { UpdateDocumentDto } from './dto/update-document.dto';

const NOT_FOUND = { status: 404, code: 'not-found', description: 'No such document in your tenant.' } as const;
const NOT_EDITABLE = {
  status: 409,
  code: 'invalid-state',
  description: 'The document is pending or approved; only draft and rejected documents can be edited.',
  extensions: { currentState: 'pending' },
} as const;
const BAD_INPUT = {
  status: 400,
  code: 'validation-failed',
  description: 'Invalid body, query or path (`invalid-id` for a malformed id, `invalid-key` for `$`/dotted keys); nothing was written.',
  extensions: { errors: [{ field: 'title', message: 'title must be longer than or equal to 1 characters' }] },
} as const;

/**
 * Documents: CRUD under If-Match, bulk edits and statistics. The static routes (`stats`,
 * `bulk`) are declared before `:id`; Fastify's router also prefers static segments.
 */
@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ summary: 'Create a document (starts in draft)' })
  @ApiCreatedResponse({ type: DocumentDto, description: 'Created; the ETag header carries the version.' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateDocumentDto): Promise<DocumentDto> {
    return this.documents.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ summary: 'List documents (filters, newest first); items and total from one snapshot' })
  @ApiOkResponse({ type: DocumentPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListDocumentsDto): Promise<DocumentPageDto> {
    return this.documents.list(user, query);
  }

  @Get('stats')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ operationId: 'getDocumentStats', summary: 'Counts by status and category from one snapshot (Σ byStatus = total)' })
  @ApiOkResponse({ type: DocumentStatsDto })
  stats(@CurrentUser() user: AuthUser): Promise<DocumentStatsDto> {
    return this.documents.stats(user);
  }

  @Patch('bulk')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({
    operationId: 'bulkUpdateDocuments',
    summary: 'Apply one change to up to 500 documents, each at the version you read',
    description:
      'atomic (default): all or nothing; any stale version → 412 listing every conflicting id with its current version. ' +
      'partial: each item on its own; the response reports updated | version-mismatch | not-found | invalid-state per item.',
  })
  @ApiOkResponse({ type: BulkUpdateResultDto })
  @ApiProblemResponse({
    status: 412,
    code: 'version-mismatch',
    description: 'atomic mode: at least one item is stale; nothing was written. `conflicts[]` lists every problem item.',
    extensions: { conflicts: [{ id: '665f1c2e8b3e4a0012345678', reason: 'version-mismatch', currentVersion: 4 }] },
  })
  @ApiProblemResponse({ status: 404, code: 'not-found', description: 'atomic mode: an item does not exist; nothing was written.' })
  @ApiProblemResponse({ status: 409, code: 'invalid-state', description: 'atomic mode: an item is pending or approved; nothing was written.' })
  bulkUpdate(@CurrentUser() user: AuthUser, @Body() dto: BulkUpdateDocumentsDto): Promise<BulkUpdateResultDto> {
    return this.documents.bulkUpdate(user, dto);
  }

  @Get(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ summary: 'One document (ETag; If-None-Match → 304)' })
  @ApiOkResponse({ type: DocumentDto })
  @ApiETag()
  @ApiProblemResponse(NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<DocumentDto> {
    return this.documents.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @RequireIfMatch()
  @ApiOperation({
    summary: 'Partial update under If-Match',
    description: 'Only the fields present change; `customerRef: null` clears it; `fields` is merged key by key. Editing a rejected document returns it to draft.',
  })
  @ApiOkResponse({ type: DocumentDto })
  @ApiProblemResponse(NOT_FOUND)
  @ApiProblemResponse(NOT_EDITABLE)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateDocumentDto,
  ): Promise<DocumentDto> {
    return this.documents.update(user, id, version, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @RequireIfMatch()
  @ApiOperation({ summary: 'Delete under If-Match' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponse(NOT_FOUND)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version: number): Promise<void> {
    return this.documents.remove(user, id, version);
  }
}
