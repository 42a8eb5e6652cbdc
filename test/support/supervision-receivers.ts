import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

function decodeWords(header: string): string {
  return header.replace(
    /\s*=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g,
    (_whole, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_hex, code: string) =>
                String.fromCharCode(parseInt(code, 16)),
              ),
            'latin1',
          ).toString('utf8'),
  );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_whole, code: string) => String.fromCharCode(parseInt(code, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Reads the single-part text message nodemailer sends: unfolded headers, decoded subject and body. */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n').trimEnd() };
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export async function startSmtpServer(): Promise<{
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { subject, text } = parseMail(Buffer.concat(chunks).toString('utf8'));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((address) => address.address),
          subject,
          text,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RobotPost {
  robot: 'wecom' | 'dingtalk';
  body: { msgtype: string; markdown: { content?: string; title?: string; text?: string } };
  timestamp: string | null;
  sign: string | null;
  signatureValid: boolean | null;
}

/**
 * What the robots put in every answer's body (as an internal service would answer with its
 * data): the server must never repeat it to the caller, into the 督办记录 or its log.
 */
export const RECEIVER_BODY_SECRET = 'receiver-body-secret-3f9d1c';

/**
 * WeCom and DingTalk group robots on 127.0.0.1: POST /wecom and /dingtalk. DingTalk's signature is
 * checked with `secret`; `failing` makes a robot answer HTTP 500 until turned off. Every answer's
 * body carries RECEIVER_BODY_SECRET.
 */
export async function startRobotReceiver(secret: string): Promise<{
  baseUrl: string;
  posts: RobotPost[];
  failing: Set<'wecom' | 'dingtalk'>;
  close(): Promise<void>;
}> {
  const posts: RobotPost[] = [];
  const failing = new Set<'wecom' | 'dingtalk'>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const robot =
        url.pathname === '/wecom' ? 'wecom' : url.pathname === '/dingtalk' ? 'dingtalk' : null;
      if (request.method !== 'POST' || !robot) {
        response.writeHead(404).end();
        return;
      }
      if (failing.has(robot)) {
        response
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`robot is down: ${RECEIVER_BODY_SECRET}`);
        return;
      }
      const timestamp = url.searchParams.get('timestamp');
      const sign = url.searchParams.get('sign');
      const signatureValid =
        robot === 'dingtalk'
          ? timestamp !== null &&
            sign === createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
          : null;
      posts.push({
        robot,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RobotPost['body'],
        timestamp,
        sign,
        signatureValid,
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          signatureValid === false
            ? { errcode: 310000, errmsg: `sign not match: ${RECEIVER_BODY_SECRET}` }
            : { errcode: 0, errmsg: 'ok', detail: RECEIVER_BODY_SECRET },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    posts,
    failing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
