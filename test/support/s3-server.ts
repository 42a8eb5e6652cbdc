import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface S3ServerOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
}

export interface S3ServerRequest {
  method: string;
  key: string;
  status: number;
  code: string | null;
}

/** S3's RFC 3986 encoding, written here again on purpose: the server must not share the client's code. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

class S3Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small real S3-compatible server on 127.0.0.1 for tests: PUT, GET, HEAD and DELETE of objects
 * in one bucket, path-style (/bucket/key) or virtual-host style (Host: bucket.…), kept on disk.
 * Every request's Signature V4 is recomputed from the request as it arrived (method, raw path,
 * query, the signed headers, x-amz-content-sha256) and compared; a PUT's body must hash to the
 * signed payload hash. Errors are S3's XML (SignatureDoesNotMatch 403, NoSuchKey 404, …).
 */
export async function startS3Server(options: S3ServerOptions): Promise<{
  endpoint: string;
  requests: S3ServerRequest[];
  root: string;
  slowDown: { next: number };
  close(): Promise<void>;
}> {
  const root = await mkdtemp(path.join(tmpdir(), 'luoshi-s3-'));
  const requests: S3ServerRequest[] = [];
  /** The next `next` requests are answered 503 SlowDown, as S3 does under load. */
  const slowDown = { next: 0 };

  function verifySignature(request: IncomingMessage): void {
    const authorization = request.headers.authorization ?? '';
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!match)
      throw new S3Refusal(403, 'AccessDenied', 'Missing or malformed Authorization header');
    const [, accessKeyId, date, region, signedHeaders, signature] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (accessKeyId !== options.accessKeyId)
      throw new S3Refusal(403, 'InvalidAccessKeyId', 'The access key does not exist');
    if (region !== options.region)
      throw new S3Refusal(
        400,
        'AuthorizationHeaderMalformed',
        `the region '${region}' is wrong; expecting '${options.region}'`,
      );
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    if (!amzDate.startsWith(date))
      throw new S3Refusal(
        403,
        'SignatureDoesNotMatch',
        'x-amz-date does not match the credential scope',
      );
    const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash)
      throw new S3Refusal(400, 'InvalidRequest', 'Missing required header x-amz-content-sha256');
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date'))
      throw new S3Refusal(403, 'AccessDenied', 'host and x-amz-date must be signed');

    const rawUrl = request.url ?? '/';
    const question = rawUrl.indexOf('?');
    const rawPath = question < 0 ? rawUrl : rawUrl.slice(0, question);
    const query = question < 0 ? '' : rawUrl.slice(question + 1);
    const canonicalQuery = query
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [name = '', value = ''] = pair.split('=');
        return `${encode(decodeURIComponent(name))}=${encode(decodeURIComponent(value))}`;
      })
      .sort()
      .join('&');
    const canonicalHeaders = names
      .map(
        (name) =>
          `${name}:${String(request.headers[name] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}\n`,
      )
      .join('');
    const canonical = [
      request.method,
      rawPath,
      canonicalQuery,
      canonicalHeaders,
      signedHeaders,
      payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/s3/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    let key: Buffer = createHmac('sha256', `AWS4${options.secretAccessKey}`).update(date).digest();
    for (const part of [region, 's3', 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(toSign).digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      throw new S3Refusal(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      );
    }
  }

  /** The object key of a request, path-style or virtual-host style. */
  function keyOf(request: IncomingMessage): string {
    const rawPath = (request.url ?? '/').split('?')[0]!;
    const host = String(request.headers.host ?? '');
    const virtual = host.startsWith(`${options.bucket}.`);
    const segments = rawPath.split('/').slice(1);
    if (!virtual && segments.shift() !== options.bucket)
      throw new S3Refusal(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const key = segments.map((segment) => decodeURIComponent(segment)).join('/');
    if (!key || key.split('/').some((part) => part === '' || part === '.' || part === '..'))
      throw new S3Refusal(400, 'InvalidArgument', 'bad key');
    return key;
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ key: string }> {
    if (slowDown.next > 0) {
      slowDown.next -= 1;
      throw new S3Refusal(503, 'SlowDown', 'Please reduce your request rate.');
    }
    verifySignature(request);
    const key = keyOf(request);
    const file = path.join(root, options.bucket, ...key.split('/'));
    const size = async () => {
      try {
        return (await stat(file)).size;
      } catch {
        return null;
      }
    };
    switch (request.method) {
      case 'PUT': {
        await mkdir(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.hrtime.bigint()}.part`;
        const hash = createHash('sha256');
        request.on('data', (chunk: Buffer) => hash.update(chunk));
        await pipeline(request, createWriteStream(temporary));
        const signed = String(request.headers['x-amz-content-sha256']);
        if (signed !== 'UNSIGNED-PAYLOAD' && hash.digest('hex') !== signed) {
          await rm(temporary, { force: true });
          throw new S3Refusal(
            400,
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          );
        }
        await rename(temporary, file);
        response.writeHead(200, { etag: `"${signed}"` }).end();
        return { key };
      }
      case 'GET':
      case 'HEAD': {
        const bytes = await size();
        if (bytes === null)
          throw new S3Refusal(404, 'NoSuchKey', 'The specified key does not exist.');
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': bytes,
        });
        if (request.method === 'HEAD') response.end();
        else await pipeline(createReadStream(file), response);
        return { key };
      }
      case 'DELETE':
        await rm(file, { force: true });
        response.writeHead(204).end();
        return { key };
      default:
        throw new S3Refusal(
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
        );
    }
  }

  const server = createServer((request, response) => {
    handle(request, response)
      .then(({ key }) =>
        requests.push({
          method: request.method ?? '',
          key,
          status: response.statusCode,
          code: null,
        }),
      )
      .catch((error: unknown) => {
        const refusal =
          error instanceof S3Refusal ? error : new S3Refusal(500, 'InternalError', String(error));
        requests.push({
          method: request.method ?? '',
          key: request.url ?? '',
          status: refusal.status,
          code: refusal.code,
        });
        request.resume();
        if (response.headersSent) return response.destroy();
        response.writeHead(refusal.status, { 'content-type': 'application/xml' });
        response.end(
          request.method === 'HEAD' ? undefined : errorXml(refusal.code, refusal.message),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    root,
    slowDown,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
