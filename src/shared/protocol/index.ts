export * from './errors';
export * from './fields';
export * from './auth';
export * from './rows';
export * from './sync';
export * from './realtime';
