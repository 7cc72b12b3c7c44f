import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertCrds, validateDocuments } from '../src/index.js';

const crdFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/widget-crd.yaml');

describe('CRD to JSON schema conversion', () => {
  it('converts each version like openapi2jsonschema, closing nested objects but not the root', () => {
    const converted = convertCrds(readFileSync(crdFile, 'utf8'));
    expect(converted.map((c) => [c.apiVersion, c.kind, c.filename])).toEqual([
      ['example.com/v1', 'Widget', 'widget_v1.json'],
      ['example.com/v1beta1', 'Widget', 'widget_v1beta1.json'],
    ]);
    const v1 = converted[0].schema as { additionalProperties?: unknown; properties: { spec: Record<string, unknown> } };
    expect(v1.additionalProperties).toBeUndefined();
    expect(v1.properties.spec.additionalProperties).toBe(false);
    expect((v1.properties.spec.properties as Record<string, unknown>).port).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
    // an explicit additionalProperties (a map) is kept
    expect((v1.properties.spec.properties as Record<string, { additionalProperties: unknown }>).labels.additionalProperties).toEqual({ type: 'string' });
  });

  it('closes the root too with denyRootAdditionalProperties', () => {
    const [v1] = convertCrds(readFileSync(crdFile, 'utf8'), { denyRootAdditionalProperties: true });
    expect(v1.schema.additionalProperties).toBe(false);
  });

  it('a CRD file given as schema location validates its custom resources', () => {
    const opts = { schemaLocations: [crdFile] };
    const good = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2, port: http}\n';
    const bad = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0, colour: red}\n';
    expect(validateDocuments(good, 'w.yaml', opts).map((r) => r.status)).toEqual(['valid']);
    const [r] = validateDocuments(bad, 'w.yaml', opts);
    expect(r.status).toBe('invalid');
    // jsonschema v6: both errors sit under /spec, a group the root unwraps
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: '/spec', message: "additional properties 'colour' not allowed" },
        { path: '/spec/size', message: 'minimum: got 0, want 1' },
      ]),
    );
    // Go regular expressions (inline flags) work as they do in kubeconform
    const mode = (m: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, mode: ${m}}\n`;
    expect(validateDocuments(mode('WARN'), 'w.yaml', opts)[0].status).toBe('valid');
    expect(validateDocuments(mode('stop'), 'w.yaml', opts)[0].errors).toEqual([
      { path: '/spec/mode', message: "'stop' does not match pattern '(?i)^(abort|warn)$'" },
    ]);
    // CRD locations replace the bundled schemas unless `default` is listed too
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    expect(validateDocuments(cm, 'c.yaml', opts)[0].message).toBe('could not find schema for ConfigMap');
    expect(validateDocuments(cm, 'c.yaml', { schemaLocations: [crdFile, 'default'] })[0].status).toBe('valid');
  });
});
