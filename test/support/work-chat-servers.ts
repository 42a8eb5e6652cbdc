import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WorkChatMessage {
  platform: 'wecom' | 'dingtalk';
  token: string;
  body: Record<string, unknown>;
}

/**
 * A local server speaking the 企业微信 (/cgi-bin/gettoken, /cgi-bin/message/send) and 钉钉
 * (/gettoken, /topapi/message/corpconversation/asyncsend_v2) application-message APIs as their
 * documentation describes: gettoken checks the app's credentials and issues a token, a send with
 * a token it did not issue (or one it revoked) is refused with the platforms' error codes.
 */
export async function startWorkChatServer(apps: {
  wecom: { corpId: string; secret: string; agentId: number; users: string[] };
  dingtalk: { appKey: string; appSecret: string; agentId: number; users: string[] };
}) {
  const received: WorkChatMessage[] = [];
  const tokens = new Map<string, 'wecom' | 'dingtalk'>();
  const counts = { wecomTokens: 0, dingtalkTokens: 0, refused: 0 };
  /** Answer the next sends of a platform with HTTP 502 (a gateway down), this many times. */
  const failures = { wecom: 0, dingtalk: 0 };
  const issue = (platform: 'wecom' | 'dingtalk') => {
    const token = randomBytes(12).toString('hex');
    tokens.set(token, platform);
    counts[platform === 'wecom' ? 'wecomTokens' : 'dingtalkTokens'] += 1;
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const query = url.searchParams;
      if (request.method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
        if (
          query.get('corpid') !== apps.wecom.corpId ||
          query.get('corpsecret') !== apps.wecom.secret
        )
          return answer(200, { errcode: 40001, errmsg: 'invalid credential' });
        return answer(200, issue('wecom'));
      }
      if (request.method === 'GET' && url.pathname === '/gettoken') {
        if (
          query.get('appkey') !== apps.dingtalk.appKey ||
          query.get('appsecret') !== apps.dingtalk.appSecret
        )
          return answer(200, { errcode: 40089, errmsg: '不合法的corpid或corpsecret' });
        return answer(200, issue('dingtalk'));
      }
      const platform =
        url.pathname === '/cgi-bin/message/send'
          ? 'wecom'
          : url.pathname === '/topapi/message/corpconversation/asyncsend_v2'
            ? 'dingtalk'
            : null;
      if (request.method !== 'POST' || !platform) return answer(404, { errcode: 404 });
      const token = query.get('access_token') ?? '';
      if (tokens.get(token) !== platform) {
        counts.refused += 1;
        return answer(200, {
          errcode: platform === 'wecom' ? 40014 : 88,
          errmsg: 'invalid access_token',
        });
      }
      if (failures[platform] > 0) {
        failures[platform] -= 1;
        return answer(502, { message: 'bad gateway' });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      received.push({ platform, token, body });
      if (platform === 'wecom') {
        if (body.agentid !== apps.wecom.agentId)
          return answer(200, { errcode: 301002, errmsg: 'not allow operate another agent' });
        const unknown = String(body.touser)
          .split('|')
          .filter((user) => !apps.wecom.users.includes(user));
        return answer(200, { errcode: 0, errmsg: 'ok', invaliduser: unknown.join('|') });
      }
      if (body.agent_id !== apps.dingtalk.agentId)
        return answer(200, { errcode: 400035, errmsg: 'agent_id 不合法' });
      return answer(200, { errcode: 0, errmsg: 'ok', task_id: received.length, request_id: 'r' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    counts,
    failures,
    /** Forget every token issued (as when a token expires early): the next send is refused once. */
    revokeTokens: () => tokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
