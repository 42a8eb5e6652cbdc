import { createHash } from 'node:crypto';
import { clipUtf8 } from '../../../shared/supervision/rules';
import type { Clock } from '../../clock';
import { callChatApi } from '../supervision/channels';

/** A message to one person in their work chat app: a card with a title, text and a button. */
export interface AppMessage {
  title: string;
  text: string;
  url: string;
  action: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** WeCom and DingTalk answer these when the access token is no longer good: fetch a new one, once. */
const STALE_TOKEN_CODES = new Set(['40014', '42001', '40001', '88', '40089']);

/**
 * Access tokens of the work chat apps, per app and secret, kept until shortly before they expire
 * (by the injected clock): both platforms limit how often gettoken may be called.
 */
export function createTokenCache(clock: Clock) {
  const tokens = new Map<string, CachedToken>();
  return {
    async get(key: string, fetchToken: () => Promise<{ token: string; expiresIn: number }>) {
      const cacheKey = createHash('sha256').update(key).digest('hex');
      const cached = tokens.get(cacheKey);
      if (cached && cached.expiresAt > clock.now().getTime()) return cached.token;
      const fresh = await fetchToken();
      tokens.set(cacheKey, {
        token: fresh.token,
        expiresAt: clock.now().getTime() + Math.max(60, fresh.expiresIn - 300) * 1000,
      });
      return fresh.token;
    },
    forget(key: string) {
      tokens.delete(createHash('sha256').update(key).digest('hex'));
    },
  };
}
export type TokenCache = ReturnType<typeof createTokenCache>;

async function withToken<T>(
  cache: TokenCache,
  key: string,
  fetchToken: () => Promise<{ token: string; expiresIn: number }>,
  call: (token: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(await cache.get(key, fetchToken));
  } catch (error) {
    const code = /^errcode (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    if (!code || !STALE_TOKEN_CODES.has(code)) throw error;
    cache.forget(key);
    return call(await cache.get(key, fetchToken));
  }
}

const tokenOf = (answer: Record<string, unknown>) => {
  if (typeof answer.access_token !== 'string' || answer.access_token === '')
    throw new Error('gettoken answered no access_token');
  return {
    token: answer.access_token,
    expiresIn: typeof answer.expires_in === 'number' ? answer.expires_in : 7200,
  };
};

/**
 * 企业微信 application message (应用消息) to one member: gettoken with the corp id and the
 * application's secret, then message/send as a text card that opens the page.
 */
export async function sendWecomAppMessage(
  cache: TokenCache,
  app: { apiBase: string; corpId: string; secret: string; agentId: string },
  userId: string,
  message: AppMessage,
): Promise<void> {
  const base = app.apiBase.replace(/\/+$/, '');
  const key = `wecom|${base}|${app.corpId}|${app.secret}`;
  const fetchToken = async () => {
    const url = new URL(`${base}/cgi-bin/gettoken`);
    url.searchParams.set('corpid', app.corpId);
    url.searchParams.set('corpsecret', app.secret);
    return tokenOf(await callChatApi(url.toString()));
  };
  await withToken(cache, key, fetchToken, async (token) => {
    const answer = await callChatApi(
      `${base}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
      {
        touser: userId,
        msgtype: 'textcard',
        agentid: Number(app.agentId),
        textcard: {
          title: clipUtf8(message.title, 128, '…'),
          description: clipUtf8(message.text, 512, '…'),
          url: message.url,
          btntxt: clipUtf8(message.action, 12, ''),
        },
      },
    );
    // A user id WeCom does not know is answered errcode 0 with it listed as invalid.
    if (typeof answer.invaliduser === 'string' && answer.invaliduser !== '')
      throw new Error(`WeCom does not know user ${answer.invaliduser}`);
  });
}

/**
 * 钉钉 work notification (工作通知) to one member: gettoken with the app key and secret, then
 * topapi/message/corpconversation/asyncsend_v2 as an action card that opens the page.
 */
export async function sendDingtalkAppMessage(
  cache: TokenCache,
  app: { apiBase: string; appKey: string; appSecret: string; agentId: string },
  userId: string,
  message: AppMessage,
): Promise<void> {
  const base = app.apiBase.replace(/\/+$/, '');
  const key = `dingtalk|${base}|${app.appKey}|${app.appSecret}`;
  const fetchToken = async () => {
    const url = new URL(`${base}/gettoken`);
    url.searchParams.set('appkey', app.appKey);
    url.searchParams.set('appsecret', app.appSecret);
    return tokenOf(await callChatApi(url.toString()));
  };
  await withToken(cache, key, fetchToken, async (token) => {
    await callChatApi(
      `${base}/topapi/message/corpconversation/asyncsend_v2?access_token=${encodeURIComponent(token)}`,
      {
        agent_id: Number(app.agentId),
        userid_list: userId,
        msg: {
          msgtype: 'action_card',
          action_card: {
            title: clipUtf8(message.title, 200, '…'),
            markdown: clipUtf8(
              `### ${message.title}\n\n${message.text.replace(/\n/g, '\n\n')}`,
              5000,
            ),
            single_title: message.action,
            single_url: message.url,
          },
        },
      },
    );
  });
}
