import { describe, expect, it } from 'vitest';
import { requestLocaleOf } from '../../src/shared/locale';

describe("a request's language", () => {
  it("is the reader's choice (cookie) first, then Accept-Language, else Chinese", () => {
    expect(requestLocaleOf('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(requestLocaleOf('zh-CN', 'en-US,en')).toBe('zh-CN');
    expect(requestLocaleOf(undefined, 'en-US,en')).toBe('en');
    expect(requestLocaleOf('fr', 'en')).toBe('en');
    expect(requestLocaleOf('fr', undefined)).toBe('zh-CN');
    expect(requestLocaleOf(null, null)).toBe('zh-CN');
  });
});
