import { describe, expect, it } from 'vitest';
import type { SsoTestSignInView } from '../../src/shared/api/sso';
import { translate } from '../../src/shared/i18n/messages';
import { en } from '../../src/shared/i18n/messages.en';
import { zhCN } from '../../src/shared/i18n/messages.zh-CN';
import {
  describeTestSignIn,
  refusalKind,
  testRefusalKinds,
  type Wording,
} from '../../src/shared/sso/test-sign-in';

const claims = {
  subject: 'sub-2024001',
  campusIdAttribute: 'preferred_username',
  campusId: '2024001',
  displayName: '张老师',
  email: null,
  departmentName: null,
  attributeNames: ['name', 'preferred_username', 'sub'],
};

function refused(
  errorCode: string,
  reason: string | null,
  reasonText: string,
  reasonParams: Record<string, string> = {},
): SsoTestSignInView {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    providerId: '00000000-0000-4000-8000-000000000002',
    startedByName: '安全管理员',
    startedAt: '2026-12-04T08:00:00.000Z',
    finishedAt: '2026-12-04T08:00:05.000Z',
    outcome: 'refused',
    errorCode,
    reason,
    reasonText,
    reasonParams,
    claims: null,
    wouldMatch: null,
  };
}

const zh = (wording: Wording | null) =>
  wording ? translate('zh-CN', wording.key, wording.params) : '';
const english = (wording: Wording | null) =>
  wording ? translate('en', wording.key, wording.params) : '';

describe('a test sign-in in plain words', () => {
  it('names the account a passed test would sign in as, and the TOTP still asked', () => {
    const wording = describeTestSignIn({
      ...refused('x', null, ''),
      outcome: 'ok',
      errorCode: null,
      reasonText: null,
      reasonParams: null,
      claims,
      wouldMatch: {
        how: 'username',
        userId: '00000000-0000-4000-8000-000000000003',
        username: '2024001',
        displayName: '张老师',
        role: 'coordinator',
        departmentName: null,
        asksTotp: true,
      },
    });
    expect(wording.tone).toBe('success');
    expect(zh(wording.headline)).toBe(
      '测试通过：按用户名找到账号 张老师（2024001），首次真正登录时会自动与它关联。',
    );
    expect(english(wording.advice)).toContain('authenticator code');
  });

  it('says which issuer was expected and which came, and what to change', () => {
    const wording = describeTestSignIn(
      refused('sso.token_invalid', 'issuer', 'iss mismatch: expected https://a got https://b', {
        expected: 'https://a',
        got: 'https://b',
      }),
    );
    expect(wording.tone).toBe('error');
    expect(zh(wording.explanation)).toBe(
      '身份凭据的签发者（iss）不一致：应为 https://a，实际为 https://b。',
    );
    expect(english(wording.explanation)).toBe(
      'The id_token issuer (iss) does not match: expected https://a, got https://b.',
    );
    expect(zh(wording.advice)).toContain('Issuer 地址');
  });

  it('names a refused algorithm and the ones accepted', () => {
    const wording = describeTestSignIn(
      refused('sso.token_invalid', 'algorithm', 'id_token alg HS256 not allowed', {
        alg: 'HS256',
        allowed: 'RS256, PS256, ES256',
      }),
    );
    expect(zh(wording.explanation)).toBe(
      '身份凭据（id_token）用 HS256 签名，本系统不接受这种算法。',
    );
    expect(english(wording.advice)).toContain('RS256, PS256, ES256');
  });

  it('names the campus id no account matches, and how to give it one', () => {
    const wording = describeTestSignIn(
      refused('sso.no_account', 'no_matching_user', 'no account matches 学工号 2024001', {
        attribute: '学工号',
        campusId: '2024001',
      }),
    );
    expect(zh(wording.explanation)).toBe(
      '没有与学工号 2024001 对应的本系统账号，且未开启首次登录自动开通。',
    );
    expect(zh(wording.advice)).toContain('用户名为 2024001');
  });

  it('reads each recorded code and reason as one kind of refusal', () => {
    expect(refusalKind('sso.no_account', 'attribute_missing:xgh')).toBe('attribute_missing');
    expect(refusalKind('sso.link_required', 'name_matches_protected_account:admin')).toBe(
      'link_required',
    );
    expect(
      refusalKind('sso.ticket_invalid', 'INVALID_TICKET: Ticket [redacted] not recognized'),
    ).toBe('ticket_refused');
    expect(refusalKind('sso.token_invalid', null)).toBe('token_exchange');
    expect(refusalKind('sso.token_invalid', 'unusable_key')).toBe('unknown_key');
    expect(refusalKind('internal', null)).toBe('other');
  });

  it('has words in both languages for every kind, leaving no value unfilled', () => {
    const params = {
      text: 'x',
      alg: 'HS256',
      allowed: 'RS256',
      kid: 'k1',
      jwksUri: 'https://idp/jwks',
      expected: 'a',
      got: 'b',
      exp: 't',
      iat: 't',
      now: 't',
      attribute: 'uid',
      given: 'sub',
      campusId: '2024001',
      department: '教务处',
      departmentAttribute: 'department',
      username: 'u',
      role: 'admin',
      until: 't',
    };
    for (const kind of testRefusalKinds) {
      for (const part of ['why', 'fix'] as const) {
        const key = `signOn.test.${part}.${kind}`;
        expect(key in zhCN, key).toBe(true);
        expect(key in en, key).toBe(true);
        const wording = { key: key as Wording['key'], params };
        expect(zh(wording), key).not.toMatch(/\{\w+\}/);
        expect(english(wording), key).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
