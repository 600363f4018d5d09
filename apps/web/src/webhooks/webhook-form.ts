import { TasklaneHttpError } from '@tasklane/client';
import { BOARD_EVENT_TYPES, type FieldError } from '@tasklane/contracts';

/** `events: ['*']`: every board event. */
export const ALL_EVENTS = '*';

/** The event types a webhook can pick, grouped by what they are about (the part before the dot), in BOARD_EVENT_TYPES order. */
export function eventGroups(): { name: string; types: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const type of BOARD_EVENT_TYPES) {
    const name = type.slice(0, type.indexOf('.'));
    groups.set(name, [...(groups.get(name) ?? []), type]);
  }
  return [...groups].map(([name, types]) => ({ name, types }));
}

/**
 * The selection after (un)checking one choice: "All events" replaces every single type, and a
 * single type replaces "All events" (the API takes either `['*']` or a list of types).
 */
export function toggleEvent(selected: readonly string[], choice: string, checked: boolean): string[] {
  if (!checked) return selected.filter((e) => e !== choice);
  if (choice === ALL_EVENTS) return [ALL_EVENTS];
  return [...selected.filter((e) => e !== ALL_EVENTS && e !== choice), choice].sort((a, b) => order(a) - order(b));
}

const order = (type: string): number => (BOARD_EVENT_TYPES as readonly string[]).indexOf(type);

/** A webhook's events in words: "All events", or the types. */
export function eventsSummary(events: readonly string[]): string {
  return events.includes(ALL_EVENTS) ? 'All events' : events.join(', ');
}

/** Errors of the webhook form, by field; `form` for what belongs to no field. */
export type WebhookFormErrors = Partial<Record<'url' | 'events' | 'secret' | 'form', string>>;

/**
 * Maps a refused create or edit to the form's fields: WEBHOOK_URL_REFUSED (the SSRF rules, or not
 * http(s)) to `url` with the server's message; VALIDATION_FAILED details to their fields
 * (`events.0` → `events`); anything else to `form`.
 */
export function webhookFormErrors(error: unknown): WebhookFormErrors {
  if (!(error instanceof TasklaneHttpError) || !error.body) return { form: 'The server could not be reached. Try again.' };
  const { code, message, details } = error.body;
  if (code === 'WEBHOOK_URL_REFUSED') return { url: message };
  if (code === 'VALIDATION_FAILED' && Array.isArray(details)) {
    const out: WebhookFormErrors = {};
    for (const d of details as FieldError[]) {
      const field = String(d.field).split(/[.[]/)[0];
      const key = field === 'url' || field === 'events' || field === 'secret' ? field : 'form';
      const text = `${field === key ? '' : `${d.field}: `}${(d.errors ?? []).join('; ')}`;
      out[key] = out[key] ? `${out[key]}; ${text}` : text;
    }
    if (Object.keys(out).length) return out;
  }
  if (code === 'LIMIT_REACHED') return { form: 'This board has as many webhooks as it may have.' };
  return { form: message };
}
