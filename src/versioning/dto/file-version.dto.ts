import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FileVersionRecord } from '../file-version.repository';
import { OWNER_TYPES, OwnerType, versionLabel } from '../owner-type';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** One version of an owner's file, as the API returns it. */
export class FileVersionDto {
  static from(v: FileVersionRecord): FileVersionDto {
    return {
      id: String(v._id),
      ownerType: v.ownerType,
      ownerId: String(v.ownerId),
      version: v.version,
      versionLabel: versionLabel(v.version),
      isCurrent: v.isCurrent,
      fileName: v.fileName,
      contentType: v.contentType,
      sizeBytes: v.sizeBytes,
      checksum: v.checksum,
      hasContent: v.fileId !== undefined && v.fileId !== null,
      ...(v.restoredFrom === undefined || v.restoredFrom === null ? {} : { restoredFrom: v.restoredFrom }),
      createdBy: v.createdBy,
      createdAt: new Date(v.createdAt).toISOString(),
    };
  }

  @ApiProperty({ example: '665f1c2e8b3e4a00123456cd' })
  id: string;

  @ApiProperty({ enum: OWNER_TYPES, example: 'documents' })
  ownerType: OwnerType;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  ownerId: string;

  @ApiProperty({ type: 'integer', example: 2, minimum: 1, description: '1, 2, 3, … per owner: no duplicates, no gaps. Also sent as the ETag.' })
  version: number;

  @ApiProperty({ example: 'v2', description: '`v<version>`.' })
  versionLabel: string;

  @ApiProperty({ example: true, description: 'Exactly one version per owner is current: the newest.' })
  isCurrent: boolean;

  @ApiProperty({ example: 'contract-v2.pdf' })
  fileName: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiInteger(48213)
  sizeBytes: number;

  @ApiProperty({ example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  checksum: string;

  @ApiProperty({ example: false, description: 'True when the bytes are stored here (multipart upload): GET …/content downloads them.' })
  hasContent: boolean;

  @ApiPropertyOptional({ type: 'integer', example: 1, description: 'The version this one was restored from.' })
  restoredFrom?: number;

  @ApiProperty({ example: '665f1c2e8b3e4a0012340000', description: 'The user who uploaded (or restored) it.' })
  createdBy: string;

  @ApiProperty({ example: '2025-07-11T16:00:00.000Z' })
  createdAt: string;
}

/** A page of an owner's versions, ordered by version number. */
export class FileVersionListDto extends PageDto(FileVersionDto) {}
