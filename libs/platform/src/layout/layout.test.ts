import { describe, expect, it } from 'vitest';
import { parseDistFile, renderedHeader, renderedLeafOf } from './layout';

describe('the rendered-file header', () => {
  it('names the project and the values files, and reads back as the leaf', () => {
    const line = renderedHeader('libs/demo/web', 'staging/demo/web', ['environments/staging/demo.yaml', 'environments/staging/environment.yaml']);
    expect(line).toBe('# Rendered from libs/demo/web with environments/staging/demo.yaml and environments/staging/environment.yaml for staging/demo/web. Do not edit: change the code or the values files and run npm run synth.\n');
    expect(renderedLeafOf(line.trimEnd())).toBe('staging/demo/web');
  });

  it('still reads a header written before the values files were named', () => {
    expect(renderedLeafOf('# Rendered from libs/demo/web for staging/demo/web. Do not edit: change the code or environments/ and run npm run synth.')).toBe('staging/demo/web');
  });

  it('reads no leaf from a line the renderer did not write', () => {
    expect(renderedLeafOf('# hand-written for staging/demo/web. Do not edit: ')).toBeUndefined();
    expect(renderedLeafOf('apiVersion: v1')).toBeUndefined();
  });
});

describe('parseDistFile', () => {
  it('reads service and per-cluster folders, and nothing else', () => {
    expect(parseDistFile('dist/production/demo/web/Service.web.yaml')).toMatchObject({ env: 'production', system: 'demo', service: 'web', leaf: 'dist/production/demo/web', kind: 'Service', name: 'web' });
    expect(parseDistFile('dist/production/demo/web/eu-1/Service.web.yaml')).toMatchObject({ cluster: 'eu-1', leaf: 'dist/production/demo/web/eu-1' });
    expect(parseDistFile('dist/production/demo/Service.web.yaml')).toBeUndefined();
    expect(parseDistFile('argocd/projects/demo.yaml')).toBeUndefined();
  });
});
