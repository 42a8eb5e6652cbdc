import { describe, expect, it } from 'vitest';
import { casLoginUrl, casValidateUrl, parseCasValidation } from '../../src/shared/sso/cas-response';
import { idTokenProblem } from '../../src/shared/sso/id-token';
import {
  findDepartmentByName,
  mapIdentity,
  usableAsUsername,
} from '../../src/shared/sso/identity-mapping';
import { missingProviderSettings } from '../../src/shared/sso/provider-settings';

describe('CAS service responses', () => {
  it('reads a CAS 3.0 success with repeated attributes', () => {
    const xml = `<?xml version="1.0"?>
      <cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
        <cas:authenticationSuccess>
          <cas:user> 20240017 </cas:user>
          <cas:attributes>
            <cas:cn>王 老师</cas:cn>
            <cas:memberOf>faculty</cas:memberOf>
            <cas:memberOf>staff</cas:memberOf>
          </cas:attributes>
          <cas:proxyGrantingTicket>PGTIOU-1</cas:proxyGrantingTicket>
        </cas:authenticationSuccess>
      </cas:serviceResponse>`;
    expect(parseCasValidation(xml)).toEqual({
      ok: true,
      user: '20240017',
      attributes: { cn: ['王 老师'], memberOf: ['faculty', 'staff'] },
    });
  });

  it('reads a CAS 2.0 success without attributes, and a failure with its code', () => {
    expect(
      parseCasValidation(
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>u1</cas:user></cas:authenticationSuccess></cas:serviceResponse>',
      ),
    ).toEqual({ ok: true, user: 'u1', attributes: {} });
    expect(
      parseCasValidation(
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not recognized</cas:authenticationFailure></cas:serviceResponse>',
      ),
    ).toEqual({ ok: false, code: 'INVALID_TICKET', message: 'Ticket ST-1 not recognized' });
  });

  it('refuses what is not a CAS answer: broken XML, another root, a success without user, a foreign namespace', () => {
    for (const xml of [
      '<html><body>login</body></html>',
      '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess/>',
      '',
      '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user></cas:user></cas:authenticationSuccess></cas:serviceResponse>',
      '<x:serviceResponse xmlns:x="urn:other"><x:authenticationSuccess><x:user>u</x:user></x:authenticationSuccess></x:serviceResponse>',
    ]) {
      expect(parseCasValidation(xml)).toMatchObject({ ok: false, code: 'MALFORMED_RESPONSE' });
    }
  });

  it('sends the service URL encoded, byte for byte the same to login and to validation', () => {
    const service = 'https://luoshi.example.edu.cn/api/v1/sso/p/cas/callback';
    expect(casLoginUrl('https://cas.example.edu.cn/cas/', service)).toBe(
      'https://cas.example.edu.cn/cas/login?service=https%3A%2F%2Fluoshi.example.edu.cn%2Fapi%2Fv1%2Fsso%2Fp%2Fcas%2Fcallback',
    );
    expect(casValidateUrl('https://cas.example.edu.cn/cas', '3.0', service, 'ST-1&x')).toBe(
      `https://cas.example.edu.cn/cas/p3/serviceValidate?service=${encodeURIComponent(service)}&ticket=ST-1%26x`,
    );
    expect(casValidateUrl('https://cas.example.edu.cn/cas', '2.0', service, 'ST-1')).toContain(
      '/cas/serviceValidate?',
    );
  });
});

describe('id_token claims', () => {
  const now = new Date('2024-04-22T02:00:00Z');
  const seconds = now.getTime() / 1000;
  const good = {
    iss: 'https://idp.example.edu.cn',
    aud: 'luoshi',
    sub: 'u1',
    exp: seconds + 300,
    iat: seconds,
    nonce: 'n1',
  };
  const expected = { issuer: 'https://idp.example.edu.cn', clientId: 'luoshi', nonce: 'n1', now };

  it('accepts a token for us, now, of this sign-in', () => {
    expect(idTokenProblem(good, expected)).toBeNull();
    expect(
      idTokenProblem({ ...good, aud: ['luoshi', 'other'], azp: 'luoshi' }, expected),
    ).toBeNull();
    expect(idTokenProblem({ ...good, exp: seconds - 30 }, expected)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(idTokenProblem({ ...good, iss: 'https://evil.example' }, expected)).toBe('issuer');
    expect(idTokenProblem({ ...good, aud: 'other' }, expected)).toBe('audience');
    expect(idTokenProblem({ ...good, aud: ['luoshi', 'other'] }, expected)).toBe('audience');
    expect(idTokenProblem({ ...good, exp: seconds - 61 }, expected)).toBe('expired');
    expect(idTokenProblem({ ...good, exp: undefined }, expected)).toBe('expired');
    expect(idTokenProblem({ ...good, iat: seconds + 3600 }, expected)).toBe('not_yet_valid');
    expect(idTokenProblem({ ...good, nonce: 'n2' }, expected)).toBe('nonce');
    expect(idTokenProblem({ ...good, sub: '' }, expected)).toBe('subject');
  });
});

describe('campus identity mapping', () => {
  const mapping = {
    campusId: 'employeeNumber',
    displayName: 'cn',
    email: 'mail',
    department: 'ou',
  };

  it('maps CAS attribute lists and OIDC claims; an empty campus-id attribute means the protocol user', () => {
    expect(
      mapIdentity(
        'zhangsan',
        { employeeNumber: ['E01'], cn: ['张三'], mail: ['zs@example.edu.cn'], ou: ['教师工作部'] },
        mapping,
      ),
    ).toEqual({
      campusId: 'E01',
      displayName: '张三',
      email: 'zs@example.edu.cn',
      departmentName: '教师工作部',
    });
    expect(mapIdentity('sub-1', { employeeNumber: 1001, mail: 'not an address' }, mapping)).toEqual(
      { campusId: '1001', displayName: null, email: null, departmentName: null },
    );
    expect(mapIdentity(' zhangsan ', {}, { ...mapping, campusId: '' })?.campusId).toBe('zhangsan');
    expect(mapIdentity('zhangsan', { cn: ['张三'] }, mapping)).toBeNull();
  });

  it('allows only user names the users page would allow', () => {
    expect(usableAsUsername('T2024.001')).toBe(true);
    expect(usableAsUsername('张三')).toBe(false);
    expect(usableAsUsername('a')).toBe(false);
  });

  it('finds a department by name or alias, spaces ignored, and by the last part of a path', () => {
    const departments = [
      { id: 1, name: '党委教师工作部', aliases: ['教师工作部'] },
      { id: 2, name: '马克思主义学院', aliases: [] },
    ];
    expect(findDepartmentByName(departments, '党委 教师工作部')?.id).toBe(1);
    expect(findDepartmentByName(departments, '教师工作部')?.id).toBe(1);
    expect(findDepartmentByName(departments, '示范大学/马克思主义学院')?.id).toBe(2);
    expect(findDepartmentByName(departments, '外国语学院')).toBeNull();
  });
});

describe('provider settings', () => {
  it('says what each kind still needs', () => {
    const base = {
      casBaseUrl: null,
      casVersion: null,
      oidcIssuer: null,
      oidcClientId: null,
      oidcClientSecretSet: false,
    };
    expect(missingProviderSettings({ ...base, kind: 'cas' })).toEqual(['casBaseUrl', 'casVersion']);
    expect(
      missingProviderSettings({
        ...base,
        kind: 'cas',
        casBaseUrl: 'https://cas',
        casVersion: '3.0',
      }),
    ).toEqual([]);
    expect(missingProviderSettings({ ...base, kind: 'oidc', oidcIssuer: 'https://idp' })).toEqual([
      'oidcClientId',
      'oidcClientSecret',
    ]);
  });
});
