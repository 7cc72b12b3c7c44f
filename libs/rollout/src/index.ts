export * from './model';
export * from './appset';
export * from './cluster';
export * from './simulate';
