import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { Public } from '../common/http/public.decorator';
import type { AuthUser } from './auth-user';
import { ThrottleByIp, ThrottleLogin } from './auth-throttler.guard';
import { AuthService } from './auth.service';
import { Authenticated } from './authenticated.decorator';
import { Client, ClientInfo } from './client-info.decorator';
import { CurrentUser } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { PasswordResetConfirmDto } from './dto/password-reset-confirm.dto';
import { PasswordResetRequestDto } from './dto/password-reset-request.dto';
import { RefreshDto } from './dto/refresh.dto';
import { SessionListResponseDto } from './dto/session-response.dto';
import { SignupDto } from './dto/signup.dto';
import { SignupResponseDto, TokenPairDto } from './dto/token-pair.dto';
import { PasswordResetService } from './password-reset.service';

const VALIDATION = { status: 400, code: 'validation-failed', title: 'Validation failed', description: 'The body is invalid; see errors[].' } as const;
const BAD_CREDENTIALS = { status: 401, code: 'unauthenticated', title: 'Unauthenticated', description: 'Invalid email or password (the same answer for both).' } as const;
const BAD_REFRESH = {
  status: 401,
  code: 'unauthenticated',
  title: 'Unauthenticated',
  description: 'Unknown, expired, revoked or already used refresh token. Presenting a used one revokes its whole session.',
} as const;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Post('signup')
  @Public()
  @ThrottleByIp()
  @ApiOperation({ operationId: 'signup', summary: 'Create a tenant and its first user (admin), signed in' })
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiProblemResponse(VALIDATION)
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'This email is already registered.', extensions: { fields: ['email'] } })
  signup(@Body() dto: SignupDto, @Client() client: ClientInfo): Promise<SignupResponseDto> {
    return this.auth.signup(dto, client);
  }

  @Post('login')
  @Public()
  @ThrottleLogin()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'login', summary: 'Sign in: an access token (15 min) and a refresh token (30 days, single use)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblemResponse(VALIDATION)
  @ApiProblemResponse(BAD_CREDENTIALS)
  login(@Body() dto: LoginDto, @Client() client: ClientInfo): Promise<TokenPairDto> {
    return this.auth.login(dto, client);
  }

  @Post('refresh')
  @Public()
  @ThrottleByIp()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'refreshTokens', summary: 'Trade a refresh token for a new pair (the old one is spent)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblemResponse(VALIDATION)
  @ApiProblemResponse(BAD_REFRESH)
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'logout', summary: 'End the current session (its refresh token and access tokens stop working at once)' })
  @ApiNoContentResponse({ description: 'Signed out.' })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ operationId: 'listSessions', summary: 'Your live sessions' })
  @ApiOkResponse({ type: SessionListResponseDto })
  sessions(@CurrentUser() user: AuthUser): Promise<SessionListResponseDto> {
    return this.auth.listSessions(user);
  }

  @Delete('sessions/:id')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'revokeSession', summary: 'End one of your sessions (e.g. a lost device)' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblemResponse({ status: 404, code: 'not-found', title: 'Not found', description: 'No live session of yours with this id.' })
  revokeSession(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    return this.auth.revokeSession(user, id);
  }

  @Post('password-reset')
  @Public()
  @ThrottleByIp()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'requestPasswordReset', summary: 'Ask for a password-reset token (always 202; in development the token is in the server log)' })
  @ApiAcceptedResponse({ description: 'If the email is registered, a reset token is on its way (valid 30 minutes, single use).' })
  @ApiProblemResponse(VALIDATION)
  requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<void> {
    return this.passwordReset.request(dto.email);
  }

  @Post('password-reset/confirm')
  @Public()
  @ThrottleByIp()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'confirmPasswordReset', summary: 'Set a new password with a reset token; every session of the user ends' })
  @ApiNoContentResponse({ description: 'Password changed; sign in again.' })
  @ApiProblemResponse(VALIDATION)
  @ApiProblemResponse({ status: 400, code: 'invalid-token', title: 'Invalid token', description: 'Unknown, expired or already used reset token.' })
  confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    return this.passwordReset.confirm(dto);
  }
}
