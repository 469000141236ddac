import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import { MalformedBodyError } from '@app/problem-details';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createValidationPipe } from '../common/http/validation.pipe';
import { CreateVersionDto } from './dto/create-version.dto';

/** One file arriving in a multipart/form-data body, not read yet. */
export interface IncomingFile {
  /** The part's filename ('' when it had none). */
  fileName: string;
  /** The part's Content-Type. */
  contentType: string;
  /** The bytes; consume it exactly once (store it, or {@link discard} it). */
  stream: Readable;
  /** True when the multipart plugin cut the stream at the upload limit (25 MiB). */
  truncated(): boolean;
  /** The error the request stream raised while being read (client aborted, malformed body), if any. */
  sourceError(): Error | undefined;
  /** Reads and drops the rest of the part so the request completes cleanly; used when refusing it. */
  discard(): Promise<void>;
}

/** What POST …/versions received: validated JSON metadata, or a multipart body whose file is read on demand. */
export type VersionUpload = { kind: 'metadata'; metadata: CreateVersionDto } | { kind: 'file'; nextFile(): Promise<IncomingFile | undefined> };

/** Unvalidated form of {@link VersionUpload}, as the param decorator extracts it. */
type RawVersionUpload = { kind: 'metadata'; body: unknown } | { kind: 'file'; nextFile(): Promise<IncomingFile | undefined> };

function incomingFile(part: MultipartFile): IncomingFile {
  let sourceError: Error | undefined;
  part.file.on('error', (error: Error) => (sourceError ??= error));
  return {
    fileName: part.filename ?? '',
    contentType: part.mimetype,
    stream: part.file,
    truncated: () => part.file.truncated,
    // `errored` too: a small body can fail to parse before anyone listened to the stream.
    sourceError: () => sourceError ?? part.file.errored ?? undefined,
    async discard() {
      part.file.resume();
      await finished(part.file).catch(() => undefined);
    },
  };
}

/**
 * Reads the first file of a multipart body. Errors of the multipart parser that carry a 4xx
 * status pass through (the Problem Details filter renders them); anything else it throws is a
 * body that could not be parsed, which is the client's fault: 400, never 500.
 */
async function firstFile(request: FastifyRequest): Promise<IncomingFile | undefined> {
  try {
    const part = await request.file();
    return part ? incomingFile(part) : undefined;
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    throw new MalformedBodyError('The multipart/form-data body could not be parsed.');
  }
}

const UploadParam = createParamDecorator((_data: unknown, context: ExecutionContext): RawVersionUpload => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (request.isMultipart()) return { kind: 'file', nextFile: () => firstFile(request) };
  return { kind: 'metadata', body: request.body };
});

/**
 * Validates the JSON form with exactly the rules of the global ValidationPipe (which does not
 * look at custom parameter decorators): 400 `validation-failed` before anything is read or written.
 */
@Injectable()
export class ParseVersionUploadPipe implements PipeTransform<RawVersionUpload, Promise<VersionUpload>> {
  private readonly validation = createValidationPipe();

  async transform(value: RawVersionUpload): Promise<VersionUpload> {
    if (value.kind === 'file') return value;
    const metadata = (await this.validation.transform(value.body, { type: 'body', metatype: CreateVersionDto })) as CreateVersionDto;
    return { kind: 'metadata', metadata };
  }
}

/**
 * Handler parameter of POST …/versions, which takes either `application/json`
 * ({@link CreateVersionDto}) or `multipart/form-data` with one file.
 */
export const UploadedVersion = (): ParameterDecorator => UploadParam(undefined, ParseVersionUploadPipe);
