import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  assertPublicDestination,
  normalizeAllowEntry,
  OutboundRefused,
  type Resolver,
} from '../../src/server/http/outbound';
import { callChatApi, postWecom } from '../../src/server/modules/supervision/channels';

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

  it('keeps allow-list entries as ranges or host names, and nothing else', () => {
    expect(normalizeAllowEntry(' 10.20.0.0/16 ')).toBe('10.20.0.0/16');
    expect(normalizeAllowEntry('10.20.1.7')).toBe('10.20.1.7/32');
    expect(normalizeAllowEntry('FD00::/8')).toBe('fd00::/8');
    expect(normalizeAllowEntry('Robot-GW.campus.edu.cn')).toBe('robot-gw.campus.edu.cn');
    for (const bad of ['10.0.0.0/33', 'http://x/', 'a b', '', '-bad.example'])
      expect(normalizeAllowEntry(bad), bad).toBeNull();
  });

  it('a robot pointed at an internal address is never called, and no answer body comes back', async () => {
    await expect(postWecom('http://127.0.0.1:9/', 'hi')).rejects.toBeInstanceOf(OutboundRefused);
  });
});

/** A server on 127.0.0.1 that counts its hits and answers what it is told, with a secret in the body. */
async function countingServer(
  answer: (url: string) => { status: number; body: string; headers?: Record<string, string> },
) {
  const hits: { url: string; host: string }[] = [];
  const server = createServer((request, response) => {
    hits.push({ url: request.url ?? '', host: request.headers.host ?? '' });
    request.resume();
    request.on('end', () => {
      const { status, body, headers } = answer(request.url ?? '');
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const INTERNAL_SECRET = 'internal-service-secret-7c1f';

describe('outbound calls are pinned to the address that was checked', () => {
  it('a name that answers a public address to the check and 127.0.0.1 afterwards (DNS rebinding) never reaches 127.0.0.1', async () => {
    const internal = await countingServer(() => ({
      status: 200,
      body: JSON.stringify({ errcode: 0, errmsg: INTERNAL_SECRET }),
    }));
    try {
      let asked = 0;
      const rebinding: Resolver = async () => {
        asked += 1;
        return asked === 1
          ? [{ address: '93.184.216.34', family: 4 }]
          : [{ address: '127.0.0.1', family: 4 }];
      };
      const outcome = await callChatApi(
        `http://rebind.example.test:${internal.port}/wecom`,
        { msgtype: 'text' },
        [],
        { resolve: rebinding, timeoutMs: 1500 },
      ).then(
        () => 'reached',
        (error: Error) => error.message,
      );
      expect(outcome).not.toBe('reached');
      expect(outcome).not.toContain(INTERNAL_SECRET);
      expect(internal.hits).toHaveLength(0);
      // The name was resolved once: for the check, and the connection used that answer.
      expect(asked).toBe(1);
    } finally {
      await internal.close();
    }
  });

  it('connects to the checked address under the host name (Host header kept), never resolving it again', async () => {
    const robot = await countingServer(() => ({ status: 200, body: '{"errcode":0}' }));
    try {
      let asked = 0;
      const resolver: Resolver = async () => {
        asked += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      };
      await callChatApi(
        `http://robot.campus.test:${robot.port}/hook?key=1`,
        { a: 1 },
        ['127.0.0.0/8'],
        { resolve: resolver },
      );
      expect(robot.hits).toEqual([{ url: '/hook?key=1', host: `robot.campus.test:${robot.port}` }]);
      expect(asked).toBe(1);
      // Not allow-listed: refused before any connection.
      await expect(
        callChatApi(`http://robot.campus.test:${robot.port}/hook`, { a: 1 }, [], {
          resolve: resolver,
        }),
      ).rejects.toBeInstanceOf(OutboundRefused);
      // One of several addresses internal: refused too.
      await expect(
        callChatApi(`http://robot.campus.test:${robot.port}/hook`, { a: 1 }, [], {
          resolve: async () => [
            { address: '93.184.216.34', family: 4 },
            { address: '10.0.0.8', family: 4 },
          ],
        }),
      ).rejects.toBeInstanceOf(OutboundRefused);
      expect(robot.hits).toHaveLength(1);
    } finally {
      await robot.close();
    }
  });

  it('follows no redirect and repeats no answer body, whatever the status', async () => {
    const elsewhere = await countingServer(() => ({ status: 200, body: '{"errcode":0}' }));
    const robot = await countingServer((url) =>
      url.startsWith('/redirect')
        ? {
            status: 302,
            body: INTERNAL_SECRET,
            headers: { location: `http://127.0.0.1:${elsewhere.port}/` },
          }
        : url.startsWith('/down')
          ? { status: 500, body: INTERNAL_SECRET }
          : url.startsWith('/html')
            ? { status: 200, body: `<html>${INTERNAL_SECRET}</html>` }
            : { status: 200, body: JSON.stringify({ errcode: 93000, errmsg: INTERNAL_SECRET }) },
    );
    try {
      const allow = ['127.0.0.0/8'];
      const failure = (path: string) =>
        callChatApi(`http://127.0.0.1:${robot.port}${path}`, { a: 1 }, allow).then(
          () => 'sent',
          (error: Error) => error.message,
        );
      expect(await failure('/redirect')).toBe('HTTP 302');
      expect(await failure('/down')).toBe('HTTP 500');
      expect(await failure('/html')).toBe("not a robot's answer");
      expect(await failure('/errcode')).toBe('errcode 93000');
      expect(elsewhere.hits).toHaveLength(0);
    } finally {
      await Promise.all([robot.close(), elsewhere.close()]);
    }
  });
});
