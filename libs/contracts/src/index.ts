export * from './resources.js';
export * from './events.js';
export * from './socket.js';
export * from './errors.js';
export * from './activity.js';
export * from './notifications.js';
export * from './search.js';
export * from './jobs.js';
