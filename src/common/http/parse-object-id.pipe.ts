import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidIdError } from '@app/problem-details';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Path ids must be 24-hex ObjectIds; anything else is a 400 before any query runs. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !OBJECT_ID.test(value)) throw new InvalidIdError(metadata.data ?? 'id', String(value));
    return value.toLowerCase();
  }
}
