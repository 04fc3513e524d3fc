export * from './roles';
export * from './scope';
export * from './matrix';
export * from './visibility';
export * from './tokens';
export * from './assertions';
export * from './passwords';
