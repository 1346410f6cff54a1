import { describe, expect, it } from 'vitest';
import { createTestCa } from '../../tests/fixtures/test-tls';
import { chainsToExtraCa } from './extra-ca';

describe('chainsToExtraCa (Electron: extra CAs from policy besides the OS store)', () => {
  it('accepts a server certificate issued by a configured CA for the right host only', async () => {
    const ca = await createTestCa();
    const other = await createTestCa('CN=Någon annans CA');
    const server = await ca.issueServer();
    const presented = { data: server.certificatePem, issuerCert: null };
    expect(chainsToExtraCa(presented, [ca.certificatePem], '127.0.0.1')).toBe(true);
    expect(chainsToExtraCa(presented, [ca.certificatePem], 'localhost')).toBe(true);
    expect(chainsToExtraCa(presented, [ca.certificatePem], 'behorighet.example')).toBe(false);
    expect(chainsToExtraCa(presented, [other.certificatePem], '127.0.0.1')).toBe(false);
    expect(chainsToExtraCa(presented, [], '127.0.0.1')).toBe(false);
    expect(chainsToExtraCa(presented, [ca.certificatePem], '127.0.0.1', new Date(Date.now() + 10 * 86_400_000))).toBe(false);
    expect(chainsToExtraCa({ data: 'not a certificate' }, [ca.certificatePem], '127.0.0.1')).toBe(false);
  });
});
