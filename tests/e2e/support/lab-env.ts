import type { CardLab } from '../../cardlab/index';

/**
 * The one environment that wires the program to the card lab and a backend: the lab's PKCS#11
 * module, its CA certificates as the trust anchors (one file: root and intermediate) and the
 * backend's address. `extra` adds or overrides what one spec or bench needs (policy, folders, origin).
 */
export function labAppEnv(
  lab: Pick<CardLab, 'pkcs11Module' | 'caCertificatesPath'>,
  backend: { url: string } | null,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...(backend ? { BEHORIGHETSADMIN_BACKEND_URL: backend.url } : {}),
    BEHORIGHETSADMIN_PKCS11_MODULE: lab.pkcs11Module,
    BEHORIGHETSADMIN_TRUST_ANCHORS: lab.caCertificatesPath,
    BEHORIGHETSADMIN_LOG_LEVEL: 'info',
    ...extra,
  };
}
