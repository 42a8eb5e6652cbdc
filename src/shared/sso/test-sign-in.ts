import type { SsoTestSignInView } from '../api/sso';
import type { MessageKey } from '../i18n/messages';

/**
 * A test sign-in (测试登录) in plain words for the security admin: on success, who it would sign in
 * as; on a refusal, what the exact reason means and what to change, with the values the provider
 * sent (the expected and the received issuer, the algorithm, the campus id …). Pure: message keys
 * and their values, the page translates them.
 */
export interface Wording {
  key: MessageKey;
  params: Record<string, string>;
}

export interface TestSignInWording {
  tone: 'success' | 'error';
  headline: Wording;
  /** What happened, in plain words. */
  explanation: Wording | null;
  /** What to change (refused), or what a real sign-in would still ask (TOTP). */
  advice: Wording | null;
}

/** Each kind of refusal the page explains; anything else is `other`, shown with its exact reason. */
export const testRefusalKinds = [
  'algorithm',
  'unknown_key',
  'signature',
  'malformed',
  'issuer',
  'audience',
  'expired',
  'not_yet_valid',
  'nonce',
  'subject',
  'token_exchange',
  'discovery_issuer',
  'unreachable',
  'ticket_refused',
  'no_ticket',
  'state',
  'denied',
  'attribute_missing',
  'no_matching_user',
  'campus_id_not_a_username',
  'username_taken_elsewhere',
  'department_unknown',
  'department_missing',
  'link_required',
  'account_disabled',
  'account_locked',
  'provider_not_found',
  'other',
] as const;
export type TestRefusalKind = (typeof testRefusalKinds)[number];

const tokenReasons: ReadonlySet<string> = new Set<TestRefusalKind>([
  'algorithm',
  'unknown_key',
  'signature',
  'malformed',
  'issuer',
  'audience',
  'expired',
  'not_yet_valid',
  'nonce',
  'subject',
]);
const accountReasons: ReadonlySet<string> = new Set<TestRefusalKind>([
  'no_matching_user',
  'campus_id_not_a_username',
  'username_taken_elsewhere',
  'department_unknown',
  'department_missing',
]);

/** Which kind of refusal a recorded error code and reason are. */
export function refusalKind(errorCode: string | null, reason: string | null): TestRefusalKind {
  const base = reason?.split(':')[0] ?? '';
  switch (errorCode) {
    case 'sso.token_invalid':
      if (tokenReasons.has(base)) return base as TestRefusalKind;
      if (base === 'unusable_key') return 'unknown_key';
      return 'token_exchange';
    case 'sso.provider_unreachable':
      return base === 'discovery_issuer' ? 'discovery_issuer' : 'unreachable';
    case 'sso.ticket_invalid':
      return base === 'no_ticket' ? 'no_ticket' : 'ticket_refused';
    case 'sso.state_invalid':
      return 'state';
    case 'sso.denied':
      return 'denied';
    case 'sso.no_account':
      if (base === 'attribute_missing') return 'attribute_missing';
      return accountReasons.has(base) ? (base as TestRefusalKind) : 'other';
    case 'sso.link_required':
      return 'link_required';
    case 'auth.account_disabled':
      return 'account_disabled';
    case 'auth.account_locked':
      return 'account_locked';
    case 'sso.provider_not_found':
      return 'provider_not_found';
    default:
      return 'other';
  }
}

type Described = Pick<
  SsoTestSignInView,
  'outcome' | 'errorCode' | 'reason' | 'reasonText' | 'reasonParams' | 'claims' | 'wouldMatch'
>;

export function describeTestSignIn(test: Described): TestSignInWording {
  const match = test.wouldMatch;
  if (test.outcome === 'ok' && match) {
    const params = {
      username: match.username,
      displayName: match.displayName,
      department: match.departmentName ?? '—',
    };
    return {
      tone: 'success',
      headline: { key: `signOn.test.ok.${match.how}` as MessageKey, params },
      explanation: null,
      advice: match.asksTotp ? { key: 'signOn.test.ok.totp', params: {} } : null,
    };
  }
  const kind = refusalKind(test.errorCode, test.reason);
  const params: Record<string, string> = {
    text: test.reasonText ?? test.reason ?? test.errorCode ?? '',
    campusId: test.claims?.campusId ?? '',
    attribute: test.claims?.campusIdAttribute ?? '',
    ...(test.reasonParams ?? {}),
  };
  return {
    tone: 'error',
    headline: { key: 'signOn.test.refused', params: {} },
    explanation: { key: `signOn.test.why.${kind}` as MessageKey, params },
    advice: { key: `signOn.test.fix.${kind}` as MessageKey, params },
  };
}
