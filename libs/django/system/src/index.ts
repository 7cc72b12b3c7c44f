export * from './values';
export * from './system';
export * from './names';
