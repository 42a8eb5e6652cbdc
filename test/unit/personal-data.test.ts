import { describe, expect, it } from 'vitest';
import {
  contactAccess,
  contactsFor,
  maskContactsDeep,
  maskEmail,
  maskPhone,
  rolesSeeingContactsInFull,
  type ContactAccess,
  type ContactPlace,
} from '../../src/shared/personal-data';
import { roles } from '../../src/shared/roles';

describe('masking personal data', () => {
  it('keeps a phone recognisable, not usable', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('010-88561234')).toBe('010-****1234');
    expect(maskPhone('0571-8765432')).toBe('0571-****5432');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('13812345678')).not.toContain('1234567');
  });

  it("keeps an e-mail's first letter and domain", () => {
    expect(maskEmail('wang.laoshi@example.edu.cn')).toBe('w***@example.edu.cn');
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskEmail('@example.edu.cn')).toBe('***');
  });
});

describe('who sees contacts in full', () => {
  it('is one table that classifies every role for every place', () => {
    for (const place of Object.keys(contactAccess) as ContactPlace[]) {
      expect(Object.keys(contactAccess[place]).sort()).toEqual([...roles].sort());
    }
    expect(rolesSeeingContactsInFull).toEqual(['admin', 'coordinator', 'liaison']);
    expect(roles.filter((role) => contactAccess.userAccount[role] === 'full')).toEqual([
      'admin',
      'coordinator',
      'security_admin',
    ]);
    expect(
      roles.filter((role) => (contactAccess.auditEntry[role] as ContactAccess) === 'full'),
    ).toEqual([]);
  });

  it('masks a contact for a role that does not need it, and keeps nulls', () => {
    const contact = { name: '王老师', phone: '13812345678', email: 'wang@example.edu.cn' };
    expect(contactsFor('coordinator', 'departmentContact', contact)).toEqual(contact);
    expect(contactsFor('leader', 'departmentContact', contact)).toEqual({
      name: '王老师',
      phone: '138****5678',
      email: 'w***@example.edu.cn',
    });
    expect(contactsFor('liaison', 'userAccount', { phone: null, email: 'a@b.cn' })).toEqual({
      phone: null,
      email: 'a***@b.cn',
    });
    expect(contactsFor('leader', 'departmentContact', { email: 'x@y.cn' })).toEqual({
      email: 'x***@y.cn',
    });
  });

  it('masks every phone and e-mail inside an audit entry, however deep', () => {
    const entry = {
      liaisonPhone: '010-88561234',
      user: { email: 'li@example.edu.cn', phone: null },
      headEmail: 'head@example.edu.cn',
      list: [{ mobile: '13900001111' }],
      name: '李',
    };
    expect(maskContactsDeep('auditor', 'auditEntry', entry)).toEqual({
      liaisonPhone: '010-****1234',
      user: { email: 'l***@example.edu.cn', phone: null },
      headEmail: 'h***@example.edu.cn',
      list: [{ mobile: '139****1111' }],
      name: '李',
    });
    expect(maskContactsDeep('auditor', 'auditEntry', null)).toBeNull();
    expect(maskContactsDeep('coordinator', 'departmentContact', entry)).toBe(entry);
  });
});
