import { createHmac } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { clipUtf8 } from '../../../shared/supervision/rules';
import { OutboundRefused, outboundRequest, type Resolver } from '../../http/outbound';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail; injected through AppDependencies.mailer so that tests can point it anywhere. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): void;
}

/** A mailer over SMTP (nodemailer), from a URL such as smtps://user:pass@host:465 or smtp://host:25. */
export function createSmtpMailer(
  url: string,
  from: string,
  options: { timeoutMs?: number } = {},
): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const parsed = new URL(url);
  const smtp: SMTPTransport.Options = {
    host: parsed.hostname,
    port: Number(parsed.port || (parsed.protocol === 'smtps:' ? 465 : 25)),
    secure: parsed.protocol === 'smtps:',
    ...(parsed.username
      ? {
          auth: {
            user: decodeURIComponent(parsed.username),
            pass: decodeURIComponent(parsed.password),
          },
        }
      : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
  // nodemailer (some 14 MB of RSS) is loaded at the first e-mail, not with the server.
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const transportOf = () => {
    transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(smtp),
    );
    return transport;
  };
  return {
    async send(message) {
      await (await transportOf()).sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
    close: () => void transport?.then((opened) => opened.close()),
  };
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The one outbound HTTP call to a chat platform (group robots, and the WeCom/DingTalk application
 * APIs of the notifications module): a time limit, no redirects, and an answer that is not
 * {"errcode":0} is a failure worth recording. GET without a body, POST with a JSON one. An address
 * a person typed (a robot's webhook) comes with `allow` and must be public unless allow-listed;
 * the application APIs' base addresses are the operator's configuration.
 */
export async function callChatApi(
  url: string,
  body?: unknown,
  allow?: readonly string[],
  options: { resolve?: Resolver; timeoutMs?: number } = {},
): Promise<Record<string, unknown> & { errcode: 0 }> {
  let response: { status: number; text: string };
  try {
    response = await outboundRequest(url, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(body),
          }),
      ...(allow ? { allow } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
      timeoutMs: options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    });
  } catch (error) {
    if (error instanceof OutboundRefused) throw error;
    const cause =
      error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  // The answer's body is never repeated (into the log, the supervision record or to the caller):
  // a webhook pointed at an internal service must not read it out.
  const text = response.text;
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
  let answer: { errcode?: unknown; errmsg?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error("not a robot's answer");
  }
  if (answer.errcode !== 0)
    throw new Error(`errcode ${typeof answer.errcode === 'number' ? answer.errcode : 'missing'}`);
  return answer as Record<string, unknown> & { errcode: 0 };
}

/** Both robots answer 200 with {"errcode":0}; anything else is a failure worth recording. */
async function postJson(url: string, body: unknown, allow: readonly string[]): Promise<void> {
  await callChatApi(url, body, allow);
}

/** 企业微信群机器人: markdown content of at most 4096 bytes. */
export async function postWecom(
  url: string,
  markdown: string,
  allow: readonly string[] = [],
): Promise<void> {
  await postJson(
    url,
    { msgtype: 'markdown', markdown: { content: clipUtf8(markdown, 4096) } },
    allow,
  );
}

/** DingTalk's signature: base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the secret. */
export function dingtalkSignature(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** 钉钉群机器人: markdown with a title; signed with timestamp and sign query parameters when a secret is set. */
export async function postDingtalk(
  url: string,
  secret: string | null,
  title: string,
  markdown: string,
  now: Date,
  allow: readonly string[] = [],
): Promise<void> {
  const target = new URL(url);
  if (secret) {
    const timestamp = now.getTime();
    target.searchParams.set('timestamp', String(timestamp));
    target.searchParams.set('sign', dingtalkSignature(timestamp, secret));
  }
  await postJson(
    target.toString(),
    {
      msgtype: 'markdown',
      markdown: { title, text: clipUtf8(markdown, 18_000) },
    },
    allow,
  );
}

/** The mailer the configuration asks for: SMTP when LUOSHI_SMTP_URL is set, otherwise none (no e-mail is sent). */
export function mailerFromConfig(config: {
  smtpUrl: string | undefined;
  mailFrom: string;
}): Mailer | null {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : null;
}
