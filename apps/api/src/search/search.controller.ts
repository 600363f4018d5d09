import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SearchPage } from '@tasklane/contracts';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors } from '../http/openapi.decorators.js';
import { SearchPageDto, SearchQueryDto } from './search.dto.js';
import { SearchService } from './search.service.js';

/** REST `/api/v1/search`: full-text search across the caller's boards. */
@ApiTags('search')
@ApiBearerAuth()
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary: 'Search tasks across my boards',
    description:
      'PostgreSQL full-text search over the title, description and comments of the tasks of every board you are a member of, most relevant first, with highlighted snippets; the last word matches as a prefix. Filters: board, assignee, label, due (`overdue`, `week`), archived.',
  })
  @ApiOkResponse({ type: SearchPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED', 404: 'BOARD_NOT_FOUND: `boardId` of a board you are not a member of' })
  find(@Query() query: SearchQueryDto, @CurrentUser() user: AuthUser): Promise<SearchPage> {
    return this.search.search(user.id, query);
  }
}
