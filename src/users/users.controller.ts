import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { Role } from '../auth/role';
import { PageQueryDto } from '../common/http/page-query.dto';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserListResponseDto, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';
import { ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ roles: [Role.Admin] })
  @ApiOperation({ summary: 'Create a user in your tenant (admin)' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiProblemResponse({ status: 400, code: 'validation-failed', title: 'Validation failed', description: 'The body is invalid; see errors[].' })
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'A user with this email already exists (in any tenant).', extensions: { fields: ['email'] } })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(user, dto);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List the users of your tenant' })
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiProblemResponse({ status: 400, code: 'validation-failed', title: 'Validation failed', description: 'page or pageSize is not an integer in range; see errors[].' })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<UserListResponseDto> {
    return this.users.list(user, query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'Read a user (ETag = version)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiETag()
  @ApiNotFound('user')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<UserResponseDto> {
    return this.users.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: [Role.Admin] })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Change a user’s display name and/or roles (admin; If-Match required)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFound('user')
  @ApiProblemResponse({ status: 409, code: 'last-admin', title: 'Last admin', description: 'The change would leave the tenant without an admin.' })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(user, id, version, dto);
  }
}
