import { describe, expect, it } from 'vitest';
import { generateOneTimePassword } from '../../src/server/modules/users/password';
import { checkPassword } from '../../src/shared/password-policy';

describe('one-time passwords', () => {
  it('are four groups of four letters and digits people can read out, and pass the policy', () => {
    for (let run = 0; run < 2000; run++) {
      const password = generateOneTimePassword();
      expect(password).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
      expect(password).not.toMatch(/[0O1Il+=%#@o]/);
      expect(checkPassword(password, 'someone')).toEqual([]);
    }
  });
});
