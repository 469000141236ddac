import { getSchemaPath } from '@nestjs/swagger';
import { CreateVersionDto } from './dto/create-version.dto';

/** The two bodies POST …/versions accepts, for Swagger's "Try it out". */
export const UPLOAD_REQUEST_BODY = {
  required: true,
  description:
    'Either `application/json` with the metadata of a file kept elsewhere, or `multipart/form-data` with one file part ' +
    '(stored here, up to 25 MiB; size and checksum are computed by the server).',
  content: {
    'application/json': {
      schema: { $ref: getSchemaPath(CreateVersionDto) },
      example: {
        fileName: 'contract-v2.pdf',
        contentType: 'application/pdf',
        sizeBytes: 48213,
        checksum: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
    },
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'The file; its name and Content-Type are kept.' } },
      },
    },
  },
};
