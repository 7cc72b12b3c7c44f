/** The manifest diff as a library (`@gitops/manifest-diff`): pure diffs over file maps, and the readers. */
export * from './diff';
export * from './risk';
export * from './format';
export * from './trees';
