import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ORIGIN, parseServerConfig } from './config';

describe('server configuration', () => {
  it('defaults to loopback, a data directory and the default origin, with no trust anchors', () => {
    expect(parseServerConfig([], {})).toMatchObject({
      host: '127.0.0.1',
      port: 4780,
      db: '.data/behorighetsadmin.sqlite',
      origin: DEFAULT_ORIGIN,
      caCertificates: [],
      revocation: 'require',
      seed: null,
    });
  });

  it('takes flags over environment variables, and one repeatable list of CA certificates', () => {
    const env = { BA_PORT: '9000', BA_ORIGIN: 'https://env.example', BA_DB: '/tmp/env.sqlite' };
    expect(
      parseServerConfig(['--port', '9100', '--ca-certificates', 'package.json', '--ca-certificates', 'tsconfig.json'], env),
    ).toMatchObject({
      port: 9100,
      origin: 'https://env.example',
      db: '/tmp/env.sqlite',
      caCertificates: ['package.json', 'tsconfig.json'],
    });
    expect(parseServerConfig([], { BA_CA_CERTIFICATES: 'package.json' })).toMatchObject({ caCertificates: ['package.json'] });
    // The older names feed the same list.
    expect(parseServerConfig(['--trust-anchor', 'package.json', '--intermediate', 'tsconfig.json'], {})).toMatchObject({
      caCertificates: ['package.json', 'tsconfig.json'],
    });
  });

  it('refuses a bad port, an origin with a path, a missing file and an unknown seed', () => {
    expect(() => parseServerConfig(['--port', 'x'], {})).toThrow(ConfigError);
    expect(() => parseServerConfig(['--origin', 'https://a.example/'], {})).toThrow(/bare origin/);
    expect(() => parseServerConfig(['--trust-anchor', '/nonexistent.pem'], {})).toThrow(/not found/);
    expect(() => parseServerConfig(['--seed', 'prod'], {})).toThrow(/demo/);
    expect(() => parseServerConfig(['--revocation', 'maybe'], {})).toThrow(/require, soft-fail, off/);
  });

  it('checks revocation fail-closed by default; soft-fail and off only when asked', () => {
    expect(parseServerConfig(['--revocation', 'soft-fail'], {})).toMatchObject({ revocation: 'soft-fail' });
    expect(parseServerConfig([], { BA_REVOCATION: 'off' })).toMatchObject({ revocation: 'off' });
  });
});
