import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

/** `sha256:` followed by 64 lower-case hex digits — the one checksum format this API speaks. */
export const CHECKSUM_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * A media type as RFC 6838 / RFC 9110 define it: `type/subtype` plus optional `; name=value`
 * parameters. Strict on purpose: the stored value is sent back verbatim as a Content-Type header.
 */
export const MEDIA_TYPE_PATTERN =
  // eslint-disable-next-line no-control-regex -- naming the control characters is how they are refused
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(?:[ \t]*;[ \t]*[a-z0-9!#$&^_.+-]+=(?:[a-z0-9!#$&^_.+-]+|"[^"\\\u0000-\u001f\u007f]*"))*$/i;

/** No control characters, no path separators: the name ends up in Content-Disposition headers and on disks. */
// eslint-disable-next-line no-control-regex -- naming the control characters is how they are refused
const FILE_NAME_PATTERN = /^[^\u0000-\u001f\u007f/\\]+$/;

/** What is known about a file before its bytes are read (multipart part headers, or the JSON body). */
export class FileDescriptionDto {
  @ApiProperty({ example: 'contract-v2.pdf', minLength: 1, maxLength: 255, description: 'No control characters, "/" or "\\".' })
  @IsString()
  @Length(1, 255)
  @Matches(FILE_NAME_PATTERN, { message: 'fileName must not contain control characters, "/" or "\\"' })
  fileName: string;

  @ApiProperty({ example: 'application/pdf', maxLength: 255, description: 'A MIME type, e.g. `application/pdf`, `text/plain; charset=utf-8`.' })
  @IsString()
  @MaxLength(255)
  @Matches(MEDIA_TYPE_PATTERN, { message: 'contentType must be a MIME type such as "application/pdf"' })
  contentType: string;
}

/** Body of a metadata-only upload (`application/json`): the file lives elsewhere, the history is kept here. */
export class CreateVersionDto extends FileDescriptionDto {
  @ApiProperty({ type: 'integer', example: 48213, minimum: 0, description: 'Size of the file in bytes (an integer; "5" is not 5).' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  sizeBytes: number;

  @ApiProperty({
    example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    pattern: CHECKSUM_PATTERN.source,
    description: '`sha256:` and the 64 lower-case hex digits of the SHA-256 of the file.',
  })
  @IsString()
  @Matches(CHECKSUM_PATTERN, { message: 'checksum must be "sha256:" followed by 64 lower-case hex digits' })
  checksum: string;
}
