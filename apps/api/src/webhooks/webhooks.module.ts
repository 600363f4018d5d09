import { Global, Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { BOARD_EVENT_SINK } from '../events/event-sink.js';
import { EventsModule } from '../events/events.module.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Signed webhooks of a board (docs/api.md "Webhooks", docs/jobs.md). Global for one port only:
 * BOARD_EVENT_SINK, through which the event stream (below this module) hands every committed
 * event to the deliveries without importing webhooks.
 */
@Global()
@Module({
  imports: [BoardAccessModule, EventsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookDeliveryService, { provide: BOARD_EVENT_SINK, useExisting: WebhookDeliveryService }],
  exports: [BOARD_EVENT_SINK, WebhookDeliveryService],
})
export class WebhooksModule {}
