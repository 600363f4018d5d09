export * from './rest-client.js';
export * from './backoff.js';
export * from './board-state.js';
export * from './board-stream.js';
export * from './seq-orderer.js';
export * from './jwt.js';
export * from './notification-stream.js';
export * from './import-progress.js';
