export * from './identity';
export * from './status';
export * from './server';
export * from './client';
export { enumCodec, type EnumCodec } from '@repo/proto/codec';
export * from './health';
export * from './requests';
