export * from './manifests';
export * from './selectors';
export * from './context';
export * from './workloads';
export * from './policy';
export * from './prune-safety';
export { SECURE_DEFAULT_RULES } from './checks/workloads';
export { validate, formatValidateResult, type ValidateResult } from './validate';
export { injectedContainers, type InjectedContainer } from './checks/pod-security';
