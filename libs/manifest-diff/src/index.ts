/** The manifest diff as a library (`@gitops/manifest-diff`): pure diffs over file maps, the risk rules, the formatters and the readers of dist/ trees. */
export * from './model';
export * from './fields';
export * from './diff';
export * from './risk';
export * from './format';
export * from './trees';
