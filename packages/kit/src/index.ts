export * from './service';
export * from './main';
export * from './jobs';
export * from './leases';
export * from './organization-paths';
