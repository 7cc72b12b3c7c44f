export * from './manifests';
export * from './selectors';
export * from './context';
export * from './policy';
