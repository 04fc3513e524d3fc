export * from './dates';
export * from './working-days';
