export * from './values';
export * from './system';
