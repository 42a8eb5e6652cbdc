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

  it('masks every form of a number: extensions after a dash or 转, spaces, country codes, brackets (issue 19 point 16)', () => {
    const forms: [string, string][] = [
      ['88561234-8021', '****1234-**'],
      ['010-88561234-8021', '010-****1234-**'],
      ['0571-87654321 转 802', '0571-****4321-**'],
      ['88561234转8021', '****1234-**'],
      ['010 8856 1234', '010-****1234'],
      ['(010)88561234', '010-****1234'],
      ['01088561234', '010-****1234'],
      ['057187654321', '0571-****4321'],
      ['138-1234-5678', '138****5678'],
      ['138 1234 5678', '138****5678'],
      ['+86 138 1234 5678', '+86 138****5678'],
      ['+86-10-88561234', '+86 10-****1234'],
      ['0086 13812345678', '+86 138****5678'],
      ['8856-1234', '****1234'],
      ['13812345678 ext. 12', '138****5678-**'],
    ];
    for (const [phone, masked] of forms) expect(maskPhone(phone), phone).toBe(masked);
    // Whatever the form, no run of the number longer than 4 digits after the area code survives.
    for (const [phone] of forms) {
      const shown = maskPhone(phone)
        .replace(/^\+\d+ /, '')
        .replace(/^0?\d{2,3}-/, '');
      expect(shown.replace(/\D/g, '').length, phone).toBeLessThanOrEqual(7);
      expect(shown, phone).not.toMatch(/\d{5}/);
    }
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
