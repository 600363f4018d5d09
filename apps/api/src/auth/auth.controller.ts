import { Body, Controller, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthResponse, SessionMode, UserView } from '@tasklane/contracts';
import { Origin, requestOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { apiPath } from '../http/api-prefix.js';
import { ApiCreatedResource, ApiErrors } from '../http/openapi.decorators.js';
import { AuthResponseDto, ChangePasswordDto, LoginDto, RefreshDto, RegisterDto } from './auth.dto.js';
import { AuthService, type IssuedSession } from './auth.service.js';
import { FailedLoginLimit } from '../rate-limits/failed-login.interceptor.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { Public } from './public.decorator.js';
import { clearRefreshCookie, hasRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie.js';
import { SessionOnly } from './session-only.decorator.js';

const SET_COOKIE = {
  'Set-Cookie': {
    description: 'Cookie sessions only: `tasklane_refresh=<token>; Max-Age=<seconds left in the session>; Path=/api/v1/auth; HttpOnly; Secure (over https); SameSite=Strict`',
    required: false,
    schema: { type: 'string', maxLength: 512 },
  },
};
const CLEAR_COOKIE = {
  'Set-Cookie': { description: 'When the (JSON) request carried the `tasklane_refresh` cookie: expires it (`Max-Age=0`)', required: false, schema: { type: 'string', maxLength: 512 } },
};

/**
 * REST `/api/v1/auth`: register, login, refresh and logout (public: the credential is in the body
 * or the refresh cookie), logout-all and change-password (access token of a login session). HTTP
 * only: where the refresh token travels (body or cookie) is decided here, everything else in AuthService.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @ApiOperation({
    summary: 'Register',
    description:
      'Creates an account (email lower-cased; password 10–256 characters, not easy to guess, argon2id-hashed) and starts its first session: an access token and a refresh token, in the body or, with `session: "cookie"`, in the `tasklane_refresh` cookie.',
  })
  @ApiCreatedResource(AuthResponseDto, (_: { user: UserView }) => apiPath('users', 'me'), { versioned: false, headers: SET_COOKIE })
  @ApiErrors({ 409: 'EMAIL_TAKEN (case-insensitive)' })
  @RateLimit('register')
  async register(@Body() dto: RegisterDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthResponse> {
    return this.answer(await this.auth.register(dto, requestOrigin(request)), dto.session, request, reply);
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in',
    description:
      'Email and password start a new session: an access token (JWT) and a refresh token, in the body or, with `session: "cookie"`, in the `tasklane_refresh` cookie. Unknown email and wrong password get the same answer.',
  })
  @ApiOkResponse({ type: AuthResponseDto, headers: SET_COOKIE })
  @ApiErrors({ 401: 'INVALID_CREDENTIALS' })
  @RateLimit('login')
  @UseInterceptors(FailedLoginLimit)
  async login(@Body() dto: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthResponse> {
    return this.answer(await this.auth.login(dto, requestOrigin(request)), dto.session, request, reply);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @RateLimit('refresh')
  @ApiOperation({
    summary: 'Refresh tokens',
    description:
      'Exchanges a refresh token (body, or with `{}` the `tasklane_refresh` cookie) for a new pair in the same session; the old one stops working. Presenting a refresh token that was already used revokes the whole session and disconnects its sockets, except a retry of a lost answer: the same token again within REFRESH_TOKEN_REUSE_GRACE seconds of its rotation, while the pair it was rotated into is unused, gets a new pair (and that unused pair is revoked). A session ends REFRESH_TOKEN_ABSOLUTE_TTL after login whatever the refreshes.',
  })
  @ApiOkResponse({ type: AuthResponseDto, headers: SET_COOKIE })
  @ApiErrors({ 401: 'INVALID_REFRESH_TOKEN: missing, unknown, already used (the session is then revoked), revoked or expired' })
  async refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthResponse> {
    const cookie = dto.refreshToken === undefined ? readRefreshCookie(request) : undefined;
    try {
      const issued = await this.auth.refresh(dto.refreshToken ?? cookie, requestOrigin(request));
      return this.answer(issued, cookie === undefined ? 'body' : 'cookie', request, reply);
    } catch (error) {
      // A refused cookie is dead for good: drop it so the browser stops sending it.
      if (cookie !== undefined) clearRefreshCookie(request, reply);
      throw error;
    }
  }

  @Post('logout')
  @Public()
  @RateLimit('refresh')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out',
    description:
      'Ends the session of the refresh token (body, or with `{}` the `tasklane_refresh` cookie, which is then cleared) and disconnects its sockets. Idempotent: an unknown or already revoked token also answers 204.',
  })
  @ApiNoContentResponse({ description: 'Session ended (or there was none)', headers: CLEAR_COOKIE })
  async logout(@Body() dto: RefreshDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const cookie = readRefreshCookie(request);
    await this.auth.logout(dto.refreshToken ?? cookie, requestOrigin(request));
    if (cookie !== undefined) clearRefreshCookie(request, reply);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiBearerAuth()
  @SessionOnly()
  @ApiOperation({
    summary: 'Log out everywhere',
    description: 'Ends every session of the caller (all refresh tokens) and disconnects all their sockets on every replica. API tokens stay valid. Not with an API token.',
  })
  @ApiNoContentResponse({ description: 'Every session ended', headers: CLEAR_COOKIE })
  @ApiErrors({ 403: 'FORBIDDEN: called with an API token' })
  async logoutAll(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logoutAll(user, requestOrigin(request));
    if (hasRefreshCookie(request)) clearRefreshCookie(request, reply);
  }

  @Post('change-password')
  @HttpCode(204)
  @ApiBearerAuth()
  @SessionOnly()
  @ApiOperation({
    summary: 'Change password',
    description:
      'Checks the current password, sets the new one (same rules as at registration), and ends every other session of the caller with their sockets; the calling session stays. Not with an API token.',
  })
  @ApiNoContentResponse({ description: 'Password changed; other sessions ended' })
  @ApiErrors({ 403: 'INVALID_CURRENT_PASSWORD; FORBIDDEN: called with an API token' })
  async changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @Origin() origin: RequestOrigin): Promise<void> {
    await this.auth.changePassword(user, dto.currentPassword, dto.newPassword, origin);
  }

  /** The answer of a started or rotated session: the refresh token in the body, or moved into the cookie. */
  private answer(issued: IssuedSession, mode: SessionMode | undefined, request: FastifyRequest, reply: FastifyReply): AuthResponse {
    if (mode !== 'cookie') return issued.response;
    setRefreshCookie(request, reply, issued.response.refreshToken, issued.sessionExpiresAt);
    const { refreshToken: _inCookie, ...body } = issued.response;
    return body;
  }
}
