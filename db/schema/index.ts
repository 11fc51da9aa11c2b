// The one schema of the app, one file per area. drizzle-kit reads this entry (drizzle.config.ts).
export * from './auth';
export * from './preferences';
export * from './mail';
export * from './crm';
export * from './compose';
export * from './documents';
