import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Connection, mongo, Types } from 'mongoose';

/** GridFS bucket holding the bytes of uploaded versions (`file_contents.files` / `.chunks`). */
export const FILE_CONTENT_BUCKET = 'file_contents';

/** What {@link FileContentRepository.store} measured while writing. */
export interface StoredContent {
  fileId: Types.ObjectId;
  sizeBytes: number;
  /** `sha256:<64 hex>` of exactly the bytes stored. */
  checksum: string;
}

/** Where a stored file belongs; kept on the GridFS file so a sweeper can find orphans. */
export interface ContentOwner {
  tenantId: string;
  ownerType: string;
  ownerId: string;
}

/**
 * The bytes of file versions, in GridFS. GridFS writes are NOT part of any transaction (the
 * driver's bucket streams do not take mongoose's session), so callers write the file first
 * and reference it from a transaction afterwards; see VersioningService.upload.
 * Files are only ever reached through a tenant-scoped version record holding their id.
 */
@Injectable()
export class FileContentRepository {
  private bucket?: mongo.GridFSBucket;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  /**
   * Streams `source` into a new GridFS file, computing its size and SHA-256 on the way (never
   * buffering it whole). On a failure the partial chunks are removed before rethrowing.
   */
  async store(source: Readable, file: { fileName: string; contentType: string; owner: ContentOwner }): Promise<StoredContent> {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    const upload = this.gridFs().openUploadStream(file.fileName, { metadata: { contentType: file.contentType, ...file.owner } });
    const fileId = upload.id as Types.ObjectId;
    try {
      await pipeline(source, meter, upload);
    } catch (error) {
      await this.delete(fileId);
      throw error;
    }
    return { fileId, sizeBytes, checksum: `sha256:${hash.digest('hex')}` };
  }

  /** The stored bytes (errors surface on the stream). */
  open(fileId: Types.ObjectId): Readable {
    return this.gridFs().openDownloadStream(fileId);
  }

  /** Deletes a file and its chunks; true when something was deleted. Never throws "not found". */
  async delete(fileId: Types.ObjectId): Promise<boolean> {
    try {
      await this.gridFs().delete(fileId);
      return true;
    } catch (error) {
      if (error instanceof mongo.MongoRuntimeError && /File not found/.test(error.message)) return false;
      throw error;
    }
  }

  private gridFs(): mongo.GridFSBucket {
    // Created lazily: the connection's db handle exists once the connection is open.
    this.bucket ??= new mongo.GridFSBucket(this.connection.db as mongo.Db, { bucketName: FILE_CONTENT_BUCKET });
    return this.bucket;
  }
}
