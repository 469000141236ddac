import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP, MANAGER_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { DocumentApprovalsService } from './document-approvals.service';
import { ApprovalHistoryDto } from './dto/approval-history.dto';
import { ApproveDocumentDto } from './dto/approve-document.dto';
import { DocumentDto } from './dto/document.dto';
import { RejectDocumentDto } from './dto/reject-document.dto';

const NOT_FOUND = { status: 404, code: 'not-found', description: 'No such document in your tenant.' } as const;
const BAD_INPUT = {
  status: 400,
  code: 'validation-failed',
  description: 'Invalid body, query or path (`invalid-id` for a malformed id, `invalid-key` for `$`/dotted keys); nothing was written.',
  extensions: { errors: [{ field: 'reason', message: 'reason must be a string' }] },
} as const;
const wrongState = (from: string) =>
  ({
    status: 409,
    code: 'invalid-state',
    description: `The document is not ${from} (another decision or edit got there first).`,
    extensions: { currentState: 'approved' },
  }) as const;

/**
 * The approval workflow. Each step takes the version you read (If-Match) and is one guarded
 * transition: of two racing decisions exactly one lands, the other gets 412 or 409.
 */
@ApiTags('documents')
@Controller('documents')
export class DocumentApprovalsController {
  constructor(private readonly approvals: DocumentApprovalsService) {}

  @Post(':id/request-approval')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @RequireIfMatch()
  @ApiOperation({ operationId: 'requestDocumentApproval', summary: 'draft → pending; managers are notified' })
  @ApiOkResponse({ type: DocumentDto, description: 'The document at its new version (ETag).' })
  @ApiProblemResponse(NOT_FOUND)
  @ApiProblemResponse(wrongState('a draft'))
  requestApproval(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version: number): Promise<DocumentDto> {
    return this.approvals.requestApproval(user, id, version);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @RequireIfMatch()
  @ApiOperation({ operationId: 'approveDocument', summary: 'pending → approved; the requester is notified' })
  @ApiOkResponse({ type: DocumentDto, description: 'The document at its new version (ETag).' })
  @ApiProblemResponse(NOT_FOUND)
  @ApiProblemResponse(wrongState('pending'))
  approve(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: ApproveDocumentDto,
  ): Promise<DocumentDto> {
    return this.approvals.approve(user, id, version, dto.comment);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @RequireIfMatch()
  @ApiOperation({ operationId: 'rejectDocument', summary: 'pending → rejected; the requester is notified' })
  @ApiOkResponse({ type: DocumentDto, description: 'The document at its new version (ETag).' })
  @ApiProblemResponse(NOT_FOUND)
  @ApiProblemResponse(wrongState('pending'))
  reject(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: RejectDocumentDto,
  ): Promise<DocumentDto> {
    return this.approvals.reject(user, id, version, dto.reason);
  }

  @Get(':id/approvals')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiProblemResponse(BAD_INPUT)
  @ApiOperation({ operationId: 'listDocumentApprovals', summary: 'The approval history, oldest first' })
  @ApiOkResponse({ type: ApprovalHistoryDto })
  @ApiProblemResponse(NOT_FOUND)
  history(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<ApprovalHistoryDto> {
    return this.approvals.history(user, id);
  }
}
