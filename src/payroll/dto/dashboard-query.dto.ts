import { ApiProperty } from '@nestjs/swagger';
import { IsIsoMonth } from './payroll-validators';

export class DashboardQueryDto {
  @ApiProperty({ example: '2025-07', description: 'The month, YYYY-MM (UTC).' })
  @IsIsoMonth()
  period: string;
}
