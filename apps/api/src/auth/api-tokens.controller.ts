import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiTokenView, CreatedApiToken, Page } from '@tasklane/contracts';
import { Origin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { apiPath } from '../http/api-prefix.js';
import { ApiCreatedResource, ApiErrors } from '../http/openapi.decorators.js';
import { ApiTokenId } from './auth.errors.js';
import { ApiTokenPageDto, CreateApiTokenDto, CreatedApiTokenDto } from './api-tokens.dto.js';
import { ApiTokensService, MAX_API_TOKENS } from './api-tokens.service.js';
import { SessionOnly } from './session-only.decorator.js';

/** REST `/api/v1/users/me/api-tokens`: the caller's personal API tokens. Login sessions only: an API token cannot manage API tokens (403). */
@ApiTags('api-tokens')
@ApiBearerAuth()
@SessionOnly()
@Controller('users/me/api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API token',
    description: `Creates a personal API token for scripts (\`Authorization: Bearer tl_…\`, or the Socket.IO handshake). The secret is in this answer only; it is stored as a SHA-256 hash. At most ${MAX_API_TOKENS} unrevoked tokens per user.`,
  })
  @ApiCreatedResource(CreatedApiTokenDto, (t: CreatedApiToken) => apiPath('users', 'me', 'api-tokens', t.id), { versioned: false })
  @ApiErrors({ 403: 'FORBIDDEN: called with an API token', 409: `API_TOKEN_LIMIT_REACHED: already ${MAX_API_TOKENS} unrevoked tokens` })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiTokenDto, @Origin() origin: RequestOrigin): Promise<CreatedApiToken> {
    return this.tokens.create(user.id, dto, origin);
  }

  @Get()
  @ApiOperation({ summary: 'List API tokens', description: 'The caller’s unrevoked tokens (expired ones included), newest first, without secrets; `lastUsedAt` is at most a minute stale.' })
  @ApiOkResponse({ type: ApiTokenPageDto })
  @ApiErrors({ 403: 'FORBIDDEN: called with an API token' })
  async list(@CurrentUser() user: AuthUser): Promise<Page<ApiTokenView>> {
    return { items: await this.tokens.list(user.id), nextCursor: null };
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token', description: 'The token stops working at once; sockets it authenticated are disconnected.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 403: 'FORBIDDEN: called with an API token', 404: 'API_TOKEN_NOT_FOUND: unknown, already revoked, or not yours' })
  async revoke(@CurrentUser() user: AuthUser, @Param('tokenId', ApiTokenId) tokenId: string, @Origin() origin: RequestOrigin): Promise<void> {
    await this.tokens.revoke(user.id, tokenId, origin);
  }
}
