import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock';
import { openStorage } from '../storage/open-storage';
import { DEMO_KOMMUN_ID, DEMO_REGION_ID, seedDemo } from './demo-seed';

describe('the demo seed', () => {
  it('gives each organisation an authorised orderer and at least one administrator (source 004), none of them a user', async () => {
    const storage = await openStorage(':memory:');
    try {
      expect((await seedDemo(storage, new ManualClock(new Date('2026-12-01T10:00:00Z')))).created).toBe(true);
      for (const org of [DEMO_KOMMUN_ID, DEMO_REGION_ID]) {
        const roles = await storage.listAdministrators(org);
        expect(
          roles.filter((a) => a.role === 'authorised-orderer'),
          org,
        ).toHaveLength(1);
        expect(roles.filter((a) => a.role === 'administrator').length, org).toBeGreaterThanOrEqual(1);
        for (const a of roles) {
          expect(
            (await storage.findUsersByHsaId(a.hsaId)).filter((u) => u.organisationId === org),
            a.hsaId,
          ).toEqual([]);
        }
      }
    } finally {
      await storage.close();
    }
  });
});
