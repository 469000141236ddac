import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@app/problem-details';
import { OWNER_TYPES, OwnerType } from './owner-type';

/** `:ownerType` must be one of {@link OWNER_TYPES}; anything else is a 400 before any query runs. */
@Injectable()
export class ParseOwnerTypePipe implements PipeTransform<string, OwnerType> {
  transform(value: string, metadata: ArgumentMetadata): OwnerType {
    if ((OWNER_TYPES as readonly string[]).includes(value)) return value as OwnerType;
    throw new ValidationFailedError([{ field: metadata.data ?? 'ownerType', message: `ownerType must be one of: ${OWNER_TYPES.join(', ')}` }]);
  }
}
