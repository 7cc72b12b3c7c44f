/** `@gitops/platform/cli`: what every command shares (output, entry-point detection). */
export * from './command';
