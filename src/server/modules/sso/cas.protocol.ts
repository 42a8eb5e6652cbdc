import {
  casValidateUrl,
  parseCasValidation,
  type CasValidation,
} from '../../../shared/sso/cas-response';
import { fetchFromProvider } from './provider-http';

/**
 * CAS 2.0 / 3.0 ticket validation (apereo.github.io/cas, "CAS Protocol Specification" 2.5 and
 * 2.6): the service ticket the browser brought back is checked at the CAS server, for exactly
 * the service URL the login was started with.
 */
export async function validateCasTicket(
  casBaseUrl: string,
  version: '2.0' | '3.0',
  service: string,
  ticket: string,
): Promise<CasValidation> {
  const response = await fetchFromProvider(casValidateUrl(casBaseUrl, version, service, ticket), {
    headers: { accept: 'application/xml, text/xml' },
  });
  return parseCasValidation(await response.text());
}
