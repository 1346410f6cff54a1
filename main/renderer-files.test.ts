import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from './renderer-files';

describe('renderer files', () => {
  const root = '/srv/renderer';
  it('maps / to index.html and keeps paths inside the renderer', () => {
    expect(resolveRendererFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, '/assets/a.js?x=1')).toBe(path.join(root, 'assets/a.js'));
  });
  it('refuses paths that escape the renderer folder', () => {
    expect(resolveRendererFile(root, '/../etc/passwd')).toBeNull();
    expect(resolveRendererFile(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveRendererFile(root, '/%E0%A4%A')).toBeNull();
  });
  it('names content types', () => {
    expect(contentTypeFor('a.js')).toMatch(/javascript/);
    expect(contentTypeFor('a.bin')).toBe('application/octet-stream');
  });
});
