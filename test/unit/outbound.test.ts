import { describe, expect, it } from 'vitest';
import { assertPublicDestination, OutboundRefused } from '../../src/server/http/outbound';
import { postWecom } from '../../src/server/modules/supervision/channels';

/** Issue 19 point 9: the server calls out only where it should. */
async function refused(url: string, allow: string[] = []) {
  try {
    await assertPublicDestination(url, allow);
    return 'allowed';
  } catch (error) {
    return error instanceof OutboundRefused ? 'refused' : `error: ${(error as Error).message}`;
  }
}

describe('outbound webhooks', () => {
  it('refuse loopback, private, link-local (cloud metadata), CGNAT, unspecified and IPv6 internal addresses, also written oddly', async () => {
    for (const url of [
      'http://127.0.0.1:5432/',
      'http://localhost/',
      'http://10.1.2.3/hook',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://0x7f000001/',
      'file:///etc/passwd',
    ])
      expect(await refused(url), url).toBe('refused');
  });

  it('allow public addresses, and internal ones the deployment allow-lists by range or name', async () => {
    expect(await refused('https://93.184.216.34/hook')).toBe('allowed');
    expect(await refused('http://10.1.2.3/hook', ['10.1.0.0/16'])).toBe('allowed');
    expect(await refused('http://10.9.2.3/hook', ['10.1.0.0/16'])).toBe('refused');
    expect(await refused('http://localhost/hook', ['localhost'])).toBe('allowed');
  });

  it('a robot pointed at an internal address is never called, and no answer body comes back', async () => {
    await expect(postWecom('http://127.0.0.1:9/', 'hi')).rejects.toBeInstanceOf(OutboundRefused);
  });
});
