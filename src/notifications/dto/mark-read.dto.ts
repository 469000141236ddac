import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsMongoId } from 'class-validator';

/** Body of `POST /notifications/read`. */
export class MarkReadDto {
  @ApiProperty({ type: [String], example: ['665f1c2e8b3e4a0012345678'], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsMongoId({ each: true })
  ids: string[];
}
