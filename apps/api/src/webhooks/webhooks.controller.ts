import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@tasklane/contracts';
import { BoardId } from '../board-access/board-access.errors.js';
import { CurrentUser, type AuthUser } from '../http/current-user.decorator.js';
import { ApiErrors, ApiIdempotent } from '../http/openapi.decorators.js';
import { Idempotency, type IdempotencyRequest } from '../idempotency/idempotency-key.decorator.js';
import {
  CreateWebhookDto,
  DeliveryDto,
  DeliveryPageDto,
  ListDeliveriesQueryDto,
  UpdateWebhookDto,
  WebhookCreatedDto,
  WebhookDto,
  WebhookPageDto,
} from './webhooks.dto.js';
import { DeliveryId, WebhookId } from './webhooks.errors.js';
import { WebhooksService } from './webhooks.service.js';

const OWNERS_ONLY = { 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / WEBHOOK_NOT_FOUND' } as const;

/** REST `/api/v1/boards/:boardId/webhooks` (owners only): manage webhooks, test them, read and replay their deliveries. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('boards/:boardId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a webhook',
    description:
      'Every later board event whose type is in `events` (or all, with `["*"]`) is POSTed to `url` as its envelope, signed (`Tasklane-Signature`), at least once, in seq order. The answer holds the `secret`, shown this once. Owners.',
  })
  @ApiCreatedResponse({ type: WebhookCreatedDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED / WEBHOOK_URL_REFUSED: not http(s), or a private, loopback or link-local address', 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND', 409: 'LIMIT_REACHED: WEBHOOKS_PER_BOARD_MAX' })
  @ApiIdempotent()
  create(@Param('boardId', BoardId) boardId: string, @Body() dto: CreateWebhookDto, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<WebhookCreatedDto> {
    return this.webhooks.create(boardId, user.id, dto, { idempotency });
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks', description: 'Oldest first; secrets are never shown. Owners.' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND' })
  list(@Param('boardId', BoardId) boardId: string, @CurrentUser() user: AuthUser): Promise<Page<WebhookDto>> {
    return this.webhooks.list(boardId, user.id);
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'Get a webhook', description: 'Owners.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors(OWNERS_ONLY)
  get(@Param('boardId', BoardId) boardId: string, @Param('webhookId', WebhookId) webhookId: string, @CurrentUser() user: AuthUser): Promise<WebhookDto> {
    return this.webhooks.get(boardId, user.id, webhookId);
  }

  @Patch(':webhookId')
  @ApiOperation({ summary: 'Edit a webhook', description: 'Absent fields are unchanged. `enabled: true` re-enables a disabled webhook, clears its failure count and sends what is pending. Owners.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED / WEBHOOK_URL_REFUSED', ...OWNERS_ONLY })
  @ApiIdempotent()
  update(
    @Param('boardId', BoardId) boardId: string,
    @Param('webhookId', WebhookId) webhookId: string,
    @Body() dto: UpdateWebhookDto,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<WebhookDto> {
    return this.webhooks.update(boardId, user.id, webhookId, dto, { idempotency });
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook', description: 'With its delivery log; pending deliveries are dropped. Owners.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(OWNERS_ONLY)
  @ApiIdempotent()
  async delete(@Param('boardId', BoardId) boardId: string, @Param('webhookId', WebhookId) webhookId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<void> {
    await this.webhooks.delete(boardId, user.id, webhookId, { idempotency });
  }

  @Post(':webhookId/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test ping', description: 'Queues a `webhook.test` delivery (signed and logged like an event) after what is pending. Owners.' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiErrors(OWNERS_ONLY)
  @ApiIdempotent()
  test(@Param('boardId', BoardId) boardId: string, @Param('webhookId', WebhookId) webhookId: string, @CurrentUser() user: AuthUser, @Idempotency() idempotency?: IdempotencyRequest): Promise<DeliveryDto> {
    return this.webhooks.test(boardId, user.id, webhookId, { idempotency });
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'Delivery log', description: 'Newest first: status, attempts, last response code and duration. Owners.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors({ 400: 'VALIDATION_FAILED (limit, cursor)', ...OWNERS_ONLY })
  deliveries(@Param('boardId', BoardId) boardId: string, @Param('webhookId', WebhookId) webhookId: string, @Query() query: ListDeliveriesQueryDto, @CurrentUser() user: AuthUser): Promise<Page<DeliveryDto>> {
    return this.webhooks.deliveries(boardId, user.id, webhookId, query);
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Redeliver', description: 'Sends the delivery again, next, with the same `Tasklane-Delivery` id. Owners.' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiErrors({ 403: 'FORBIDDEN: owners only', 404: 'BOARD_NOT_FOUND / WEBHOOK_NOT_FOUND / DELIVERY_NOT_FOUND' })
  @ApiIdempotent()
  redeliver(
    @Param('boardId', BoardId) boardId: string,
    @Param('webhookId', WebhookId) webhookId: string,
    @Param('deliveryId', DeliveryId) deliveryId: string,
    @CurrentUser() user: AuthUser,
    @Idempotency() idempotency?: IdempotencyRequest,
  ): Promise<DeliveryDto> {
    return this.webhooks.redeliver(boardId, user.id, webhookId, deliveryId, { idempotency });
  }
}
