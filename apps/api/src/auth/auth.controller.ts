import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthResponse, UserView } from '@tasklane/contracts';
import { apiPath } from '../http/api-prefix.js';
import { ApiCreatedResource, ApiErrors } from '../http/openapi.decorators.js';
import { AuthResponseDto, LoginDto, RefreshDto, RegisterDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { FailedLoginLimit } from '../rate-limits/failed-login.interceptor.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { Public } from './public.decorator.js';

/** REST `/api/v1/auth`: register, login and refresh (public routes). Bodies and answers: AuthResponse. */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({
    summary: 'Register',
    description: 'Creates an account (email lower-cased, password at least 10 characters, argon2id-hashed) and answers its first access and refresh tokens.',
  })
  @ApiCreatedResource(AuthResponseDto, (_: { user: UserView }) => apiPath('users', 'me'), { versioned: false })
  @ApiErrors({ 409: 'EMAIL_TAKEN (case-insensitive)' })
  @RateLimit('register')
  register(@Body() dto: RegisterDto): Promise<AuthResponse> {
    return this.auth.register(dto);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in', description: 'Email and password for a new access token (JWT) and refresh token. Unknown email and wrong password get the same answer.' })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors({ 401: 'INVALID_CREDENTIALS' })
  @RateLimit('login')
  @UseInterceptors(FailedLoginLimit)
  login(@Body() dto: LoginDto): Promise<AuthResponse> {
    return this.auth.login(dto);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refresh tokens', description: 'Exchanges a refresh token for a new pair; the old one stops working (rotation).' })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiErrors({ 401: 'INVALID_REFRESH_TOKEN: unknown, already used or expired' })
  @RateLimit('refresh')
  refresh(@Body() dto: RefreshDto): Promise<AuthResponse> {
    return this.auth.refresh(dto.refreshToken);
  }
}
