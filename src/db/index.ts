export { schema, migrations } from './schema';
export * from './models';
