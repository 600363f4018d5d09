export * from './resources.js';
export * from './events.js';
export * from './socket.js';
export * from './errors.js';
