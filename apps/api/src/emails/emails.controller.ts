import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { PreferencesDto, UnsubscribedDto, UnsubscribeQueryDto, UpdatePreferencesDto } from './emails.dto.js';
import { EmailsService } from './emails.service.js';

/** REST: the caller's email preferences, and the unsubscribe link of every email. */
@ApiTags('users')
@Controller()
export class EmailsController {
  constructor(private readonly emails: EmailsService) {}

  @Get('users/me/preferences')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Your preferences', description: 'Which notifications come by email.' })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiErrors({})
  get(@CurrentUser() user: AuthUser): Promise<PreferencesDto> {
    return this.emails.preferences(user.id);
  }

  @Patch('users/me/preferences')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your preferences', description: 'Kinds absent are unchanged.' })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED' })
  update(@Body() dto: UpdatePreferencesDto, @CurrentUser() user: AuthUser): Promise<PreferencesDto> {
    return this.emails.updatePreferences(user.id, dto);
  }

  @Get('unsubscribe')
  @Public()
  // Per client address, a limit of its own (RATE_LIMIT_UNSUBSCRIBE): link clicks neither use up nor are starved by token refreshes.
  @RateLimit('unsubscribe')
  @ApiOperation({
    summary: 'Unsubscribe (link in every email)',
    description: 'Mutes the kind (or `all`) for the link’s owner; no sign-in: `id` is the secret of that user’s links. An unknown `id` mutes nothing (`muted: []`): the answer tells nobody whether a token exists.',
  })
  @ApiOkResponse({ type: UnsubscribedDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED' })
  async unsubscribe(@Query() query: UnsubscribeQueryDto): Promise<UnsubscribedDto> {
    return (await this.emails.unsubscribe(query.id, query.kind ?? 'all')) ?? { muted: [] };
  }
}
