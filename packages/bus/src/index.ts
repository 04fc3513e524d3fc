export * from './envelope';
export * from './naming';
export * from './connection';
export * from './publisher';
export * from './outbox';
export * from './consumer';
export * from './batch-consumer';
export * from './outbox-store';
