import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/** A kubernetes-models object (typed and validated by its package). */
export interface Model {
  toJSON(): unknown;
  validate(): void;
}

/**
 * Adds a kubernetes-models object to a chart. The model is validated first, so a CRD object
 * that its operator would reject fails the render, not the sync.
 */
export function addModel(scope: Construct, id: string, model: Model): ApiObject {
  model.validate();
  const { apiVersion, kind, metadata, ...rest } = model.toJSON() as { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
  return new ApiObject(scope, id, { apiVersion, kind, metadata, ...rest });
}
