import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 CHECKLIST_ITEM_NOT_FOUND; `field` names the request field when the item was an anchor. */
export const checklistItemNotFound = (field?: string): AppError =>
  new AppError('CHECKLIST_ITEM_NOT_FOUND', field ? `${field}: checklist item not found` : 'Checklist item not found');

/** `:itemId` path pipe: not a UUID → CHECKLIST_ITEM_NOT_FOUND. */
export const ChecklistItemId = new UuidParamPipe(() => checklistItemNotFound());
