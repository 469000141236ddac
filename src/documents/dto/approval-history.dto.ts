import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPROVAL_ACTIONS, ApprovalAction, ApprovalEntry } from '../document.schema';

/** One step of a document's approval history. */
export class ApprovalEntryDto {
  @ApiProperty({ enum: APPROVAL_ACTIONS, example: 'approved' })
  action: ApprovalAction;

  @ApiProperty({ example: '665f1c2e8b3e4a00123456bb', description: 'User id of the actor.' })
  by: string;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z' })
  at: string;

  @ApiPropertyOptional({ example: 'Terms checked, approved.' })
  comment?: string;

  @ApiPropertyOptional({ example: 'Liability cap is missing.' })
  reason?: string;

  static from(entry: ApprovalEntry): ApprovalEntryDto {
    const dto = new ApprovalEntryDto();
    dto.action = entry.action;
    dto.by = entry.by;
    dto.at = new Date(entry.at).toISOString();
    if (entry.comment !== undefined) dto.comment = entry.comment;
    if (entry.reason !== undefined) dto.reason = entry.reason;
    return dto;
  }
}

/** `GET /documents/:id/approvals`: the history, oldest first. */
export class ApprovalHistoryDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  documentId: string;

  @ApiProperty({ type: [ApprovalEntryDto] })
  entries: ApprovalEntryDto[];
}
