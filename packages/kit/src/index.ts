export * from './service';
export * from './modules';
export * from './main';
export * from './jobs';
export * from './leases';
export * from './organization-paths';
export * from './organization-moves';
export * from './availability';
