export * from './values';
export * from './system';
export * from './names';
export * from './kiteclass-service';
