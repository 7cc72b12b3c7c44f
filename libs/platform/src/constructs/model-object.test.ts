import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addModel } from './model-object';

describe('addModel', () => {
  it('adds a validated model as an object of the chart', () => {
    const chart = Testing.chart();
    addModel(chart, 'M', { validate: () => undefined, toJSON: () => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' }, spec: { a: 1 } }) });
    expect(Testing.synth(chart)).toEqual([{ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' }, spec: { a: 1 } }]);
  });

  it('fails the render when the model does not validate, adding nothing', () => {
    const chart = Testing.chart();
    expect(() => addModel(chart, 'M', { validate: () => { throw new Error('spec.a: must be a string'); }, toJSON: () => ({}) })).toThrow('spec.a: must be a string');
    expect(Testing.synth(chart)).toEqual([]);
  });
});
