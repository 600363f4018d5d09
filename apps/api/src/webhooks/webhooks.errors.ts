import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 WEBHOOK_NOT_FOUND (also for another board's webhook). */
export const webhookNotFound = (): AppError => new AppError('WEBHOOK_NOT_FOUND', 'Webhook not found');

/** 404 DELIVERY_NOT_FOUND (also for another webhook's delivery). */
export const deliveryNotFound = (): AppError => new AppError('DELIVERY_NOT_FOUND', 'Delivery not found');

/** 400 WEBHOOK_URL_REFUSED: the URL's form, or where it resolves (SSRF defence). */
export const webhookUrlRefused = (reason: string): AppError => new AppError('WEBHOOK_URL_REFUSED', reason, [{ field: 'url', errors: [reason] }]);

/** `:webhookId` path pipe: not a UUID → WEBHOOK_NOT_FOUND. */
export const WebhookId = new UuidParamPipe(webhookNotFound);

/** `:deliveryId` path pipe: not a UUID → DELIVERY_NOT_FOUND. */
export const DeliveryId = new UuidParamPipe(deliveryNotFound);
