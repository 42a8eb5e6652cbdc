import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * What a CAS server answered to serviceValidate (CAS 2.0) or p3/serviceValidate (CAS 3.0): the
 * user and, when the server releases them, the attributes. Pure: the XML text in, a verdict out.
 */
export type CasValidation =
  | { ok: true; user: string; attributes: Record<string, string[]> }
  | { ok: false; code: string; message: string };

const CAS_NAMESPACE = 'http://www.yale.edu/tp/cas';

function childElements(parent: Element): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) found.push(node as Element);
  }
  return found;
}

/** The element's name without its prefix, when it is in the CAS namespace (or in none, as some servers answer). */
function casName(element: Element): string | null {
  if (element.namespaceURI !== CAS_NAMESPACE && element.namespaceURI !== null) return null;
  return element.localName ?? element.nodeName.replace(/^.*:/, '');
}

function text(element: Element): string {
  return (element.textContent ?? '').trim();
}

/**
 * Reads a CAS service response. Attributes come from `<cas:attributes>` (CAS 3.0, and CAS 2.0
 * servers that release them); an attribute given several times keeps every value in order.
 */
export function parseCasValidation(xml: string): CasValidation {
  let root: Element | null;
  try {
    root = new DOMParser({
      onError: () => {
        throw new Error('malformed');
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return {
      ok: false,
      code: 'MALFORMED_RESPONSE',
      message: 'the CAS answer is not well-formed XML',
    };
  }
  if (!root || casName(root) !== 'serviceResponse')
    return {
      ok: false,
      code: 'MALFORMED_RESPONSE',
      message: 'the CAS answer is not a serviceResponse',
    };
  const [outcome] = childElements(root).filter((element) => casName(element) !== null);
  if (outcome && casName(outcome) === 'authenticationFailure') {
    return { ok: false, code: outcome.getAttribute('code') || 'UNKNOWN', message: text(outcome) };
  }
  if (!outcome || casName(outcome) !== 'authenticationSuccess')
    return { ok: false, code: 'MALFORMED_RESPONSE', message: 'neither success nor failure' };
  const parts = childElements(outcome);
  const user = parts.find((element) => casName(element) === 'user');
  if (!user || !text(user))
    return { ok: false, code: 'MALFORMED_RESPONSE', message: 'no user in the success' };
  const attributes: Record<string, string[]> = {};
  for (const block of parts.filter((element) => casName(element) === 'attributes')) {
    for (const attribute of childElements(block)) {
      const name = casName(attribute) ?? attribute.localName ?? attribute.nodeName;
      (attributes[name] ??= []).push(text(attribute));
    }
  }
  return { ok: true, user: text(user), attributes };
}

/** Where the browser signs in at the CAS server; `service` must be sent byte for byte the same to serviceValidate. */
export function casLoginUrl(casBaseUrl: string, service: string): string {
  return `${casBaseUrl.replace(/\/+$/, '')}/login?service=${encodeURIComponent(service)}`;
}

/** serviceValidate (CAS 2.0) or p3/serviceValidate (CAS 3.0, with attributes). */
export function casValidateUrl(
  casBaseUrl: string,
  version: '2.0' | '3.0',
  service: string,
  ticket: string,
): string {
  const path = version === '3.0' ? 'p3/serviceValidate' : 'serviceValidate';
  return `${casBaseUrl.replace(/\/+$/, '')}/${path}?service=${encodeURIComponent(service)}&ticket=${encodeURIComponent(ticket)}`;
}
