/**
 * What a provider of each kind needs before it can be saved: a CAS server and its protocol
 * version; an OIDC issuer, client id and client secret. Pure; the fields missing, by path.
 */
export interface ProviderSettings {
  kind: 'cas' | 'oidc';
  casBaseUrl: string | null;
  casVersion: string | null;
  oidcIssuer: string | null;
  oidcClientId: string | null;
  oidcClientSecretSet: boolean;
}

export function missingProviderSettings(settings: ProviderSettings): string[] {
  const missing: string[] = [];
  if (settings.kind === 'cas') {
    if (!settings.casBaseUrl) missing.push('casBaseUrl');
    if (!settings.casVersion) missing.push('casVersion');
  } else {
    if (!settings.oidcIssuer) missing.push('oidcIssuer');
    if (!settings.oidcClientId) missing.push('oidcClientId');
    if (!settings.oidcClientSecretSet) missing.push('oidcClientSecret');
  }
  return missing;
}
