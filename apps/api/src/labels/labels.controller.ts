import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { LabelView } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { apiPath } from '../http/api-prefix.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { IfMatch } from '../http/if-match.decorator.js';
import { ApiConditionalWrite, ApiCreatedResource, ApiErrors, ApiIdempotent, ApiOkResource } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import { CreateLabelDto, LabelDto, UpdateLabelDto } from './labels.dto.js';
import { LabelId } from './labels.errors.js';
import { LABELS_PER_BOARD_MAX, LabelsService } from './labels.service.js';

/** REST `/api/v1/boards/:boardId/labels`: the board's labels. Members read; editors and owners write. */
@ApiTags('labels')
@ApiBearerAuth()
@Controller('boards/:boardId/labels')
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Get()
  @ApiOperation({ summary: 'List the board’s labels', description: 'All of them (at most 100), by name. Also in the board snapshot.' })
  @ApiExtraModels(LabelDto)
  @ApiOkResponse({ schema: { type: 'array', items: { $ref: getSchemaPath(LabelDto) }, maxItems: LABELS_PER_BOARD_MAX } })
  @ApiErrors({ 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @CurrentUser() user: AuthUser): Promise<LabelView[]> {
    return this.labels.list(boardId, user.id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a label', description: 'Name unique on the board ignoring case. Editors and owners. Emits `label.created`.' })
  @ApiCreatedResource(LabelDto, (l: LabelView) => apiPath('boards', l.boardId, 'labels', l.id), { versioned: true })
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND', 409: 'LABEL_NAME_TAKEN / LIMIT_REACHED (`labels_per_board`)' })
  @ApiIdempotent()
  create(@Param('boardId', BoardId) boardId: string, @Body() dto: CreateLabelDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<LabelView> {
    return this.labels.create(boardId, user.id, dto, { idempotency });
  }

  @Patch(':labelId')
  @ApiOperation({ summary: 'Rename or recolor a label', description: 'Emits `label.updated`.' })
  @ApiOkResource(LabelDto)
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / LABEL_NOT_FOUND', 409: 'LABEL_NAME_TAKEN' })
  @ApiConditionalWrite()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('labelId', LabelId) labelId: string,
    @Body() dto: UpdateLabelDto,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<LabelView> {
    return this.labels.update(boardId, user.id, labelId, dto, { ifMatch, idempotency });
  }

  @Delete(':labelId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a label', description: 'Also removes it from every task (their `version` does not change). Emits `label.deleted`.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ 403: 'FORBIDDEN: viewers cannot write', 404: 'BOARD_NOT_FOUND / LABEL_NOT_FOUND' })
  @ApiConditionalWrite()
  async remove(
    @Param('boardId', BoardId) boardId: string,
    @Param('labelId', LabelId) labelId: string,
    @CurrentUser() user: AuthUser,
    @IfMatch() ifMatch?: number,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<void> {
    await this.labels.remove(boardId, user.id, labelId, { ifMatch, idempotency });
  }
}
