export * from './roles';
export * from './scope';
export * from './matrix';
export * from './tokens';
export * from './passwords';
