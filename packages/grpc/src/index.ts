export * from './identity';
export * from './status';
export * from './server';
export * from './client';
export * from './enums';
export * from './health';
export * from './requests';
