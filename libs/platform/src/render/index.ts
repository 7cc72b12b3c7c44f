/**
 * `@gitops/platform/render`: rendering services into dist/ - the catalogue of services, the
 * renderer, the transactional writer and its prune, the workspace lock. Used by the synth CLI,
 * the Nx executors and the apps that read or write dist/; never by a service.
 */
export * from './catalogue';
export * from './render';
export * from './writer';
export * from './synth';
export * from './progress';
export * from './lock';
export * from './interrupt';
