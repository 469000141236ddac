import { Controller, Get, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, NoETag } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP } from '../auth/role';
import { PageQueryDto } from '../common/http/page-query.dto';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateVersionDto } from './dto/create-version.dto';
import { FileVersionDto, FileVersionListDto } from './dto/file-version.dto';
import { OWNER_TYPES, OwnerType } from './owner-type';
import { ParseOwnerTypePipe } from './parse-owner-type.pipe';
import { ParseVersionNumberPipe } from './parse-version-number.pipe';
import { UploadedVersion, VersionUpload } from './version-upload.decorator';
import { UPLOAD_REQUEST_BODY } from './versioning.api';
import { ApiInvalidId, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';
import { VersioningService } from './versioning.service';

const VERSION_PARAM = { name: 'version', type: 'integer', example: 1, description: 'The version number (1, 2, 3…).' } as const;

@ApiTags('versioning')
@ApiParam({ name: 'ownerType', enum: OWNER_TYPES, example: 'documents', description: 'What owns the versions: `documents` or `orders` (sales orders).' })
@ApiParam({ name: 'ownerId', example: '665f1c2e8b3e4a0012345678', description: 'Id of a document or a sales order of your tenant.' })
@ApiValidationFailed('`ownerType` is not `documents` or `orders`, or `:version` is not a positive integer; see errors[].', { field: 'ownerType', message: 'ownerType must be one of: documents, orders' })
@ApiInvalidId('`ownerId` is not a 24-character hex id.')
@ApiNotFound('document, order or version')
@ApiExtraModels(CreateVersionDto)
@Controller('versioning/:ownerType/:ownerId/versions')
export class VersioningController {
  constructor(private readonly versioning: VersioningService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'uploadVersion', summary: 'Upload a new version (JSON metadata or multipart file); it gets the next number and becomes current', requestBody: UPLOAD_REQUEST_BODY })
  @ApiCreatedResponse({ type: FileVersionDto })
  @ApiProblemResponse({ status: 400, code: 'validation-failed', title: 'Validation failed', description: 'Invalid metadata, or a multipart body without a file part / with a bad file name or type. Nothing was written, no number used.' })
  @ApiProblemResponse({ status: 400, code: 'malformed-body', title: 'Malformed body', description: 'The JSON or multipart body could not be parsed, or the upload broke off.' })
  @ApiProblemResponse({ status: 413, code: 'payload-too-large', title: 'Payload too large', description: 'The file is over 25 MiB (or the JSON body over 1 MiB). Nothing was stored.' })
  @ApiProblemResponse({ status: 415, code: 'unsupported-media-type', title: 'Unsupported media type', description: 'Send application/json or multipart/form-data.' })
  @ApiProblemResponse({ status: 409, code: 'contention', title: 'Contention', description: 'Too many simultaneous uploads to this owner for the retry budget; retry after `Retry-After` seconds.' })
  upload(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
    @UploadedVersion() upload: VersionUpload,
  ): Promise<FileVersionDto> {
    return this.versioning.upload(user, { ownerType, ownerId }, upload);
  }

  @Get()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'listVersions', summary: 'List the versions, ordered by number (oldest first)' })
  @ApiOkResponse({ type: FileVersionListDto })
  list(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
    @Query() query: PageQueryDto,
  ): Promise<FileVersionListDto> {
    return this.versioning.list(user, { ownerType, ownerId }, query);
  }

  @Get('current')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'getCurrentVersion', summary: 'The current version (the newest); ETag = its number' })
  @ApiOkResponse({ type: FileVersionDto })
  @ApiETag()
  current(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
  ): Promise<FileVersionDto> {
    return this.versioning.current(user, { ownerType, ownerId });
  }

  @Get(':version')
  @Authenticated({ roles: CLERK_AND_UP })
  // `version` here is the file's number, not a concurrency version: isCurrent can change
  // under the same number, so no ETag / 304 (ask /current for that).
  @NoETag()
  @ApiOperation({ operationId: 'getVersion', summary: 'One version by number' })
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: FileVersionDto })
  get(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
    @Param('version', ParseVersionNumberPipe) version: number,
  ): Promise<FileVersionDto> {
    return this.versioning.get(user, { ownerType, ownerId }, version);
  }

  @Get(':version/content')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'downloadVersionContent', summary: 'Download the stored file of a version (multipart uploads only), with its content type' })
  @ApiParam(VERSION_PARAM)
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The bytes, with the stored Content-Type and Content-Disposition: attachment.', schema: { type: 'string', format: 'binary' } })
  @ApiProblemResponse({ status: 404, code: 'no-content', title: 'No stored content', description: 'The version is metadata-only: its file is not stored here.' })
  content(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
    @Param('version', ParseVersionNumberPipe) version: number,
  ): Promise<StreamableFile> {
    return this.versioning.download(user, { ownerType, ownerId }, version);
  }

  @Post(':version/restore')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'restoreVersion', summary: 'Restore a version: appends a new version (next number) copying its file, and makes it current' })
  @ApiParam(VERSION_PARAM)
  @ApiCreatedResponse({ type: FileVersionDto })
  @ApiProblemResponse({ status: 409, code: 'contention', title: 'Contention', description: 'Too many simultaneous uploads to this owner for the retry budget; retry after `Retry-After` seconds.' })
  restore(
    @CurrentUser() user: AuthUser,
    @Param('ownerType', ParseOwnerTypePipe) ownerType: OwnerType,
    @Param('ownerId', ParseObjectIdPipe) ownerId: string,
    @Param('version', ParseVersionNumberPipe) version: number,
  ): Promise<FileVersionDto> {
    return this.versioning.restore(user, { ownerType, ownerId }, version);
  }
}
