import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from '../../src/shared/personal-data';

describe('masking personal data', () => {
  it('keeps a phone recognisable, not usable', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('010-88561234')).toBe('010-****1234');
    expect(maskPhone('0571-8765432')).toBe('0571-****5432');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('13812345678')).not.toContain('1234567');
  });

  it('keeps an e-mail\'s first letter and domain', () => {
    expect(maskEmail('wang.laoshi@example.edu.cn')).toBe('w***@example.edu.cn');
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskEmail('@example.edu.cn')).toBe('***');
  });
});
