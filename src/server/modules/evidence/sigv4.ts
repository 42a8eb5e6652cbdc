import { createHmac } from 'node:crypto';
import { sha256 } from '../../io/sha256';

/**
 * AWS Signature Version 4 (the "Authorization: AWS4-HMAC-SHA256 …" header), as S3 and the
 * S3-compatible stores (MinIO, 阿里云 OSS, 腾讯云 COS) check it. Checked against AWS's published
 * "get-vanilla" example in test/unit/sigv4.test.ts.
 */
export interface SigV4Input {
  method: string;
  /** The path exactly as sent, already URI-encoded (S3 does not encode it a second time). */
  path: string;
  /** Query parameters, not encoded. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Headers to sign, including host and x-amz-date; names in any case. */
  headers: Record<string, string>;
  /** Hex sha256 of the body, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** YYYYMMDD'T'HHMMSS'Z', the value of x-amz-date. */
  amzDate: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const sha256Hex = (data: string | Buffer) => sha256(data);
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - . _ ~ (and "/" when keeping slashes). */
export function uriEncode(value: string, keepSlashes = false): string {
  const encoded = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlashes ? encoded.replace(/%2F/g, '/') : encoded;
}

/** x-amz-date of a moment: 20150830T123600Z. */
export function amzDateOf(moment: Date): string {
  return moment
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The canonical request and the names it signs (lower case, sorted, joined by ";"). */
export function canonicalRequest(
  input: Pick<SigV4Input, 'method' | 'path' | 'query' | 'headers' | 'payloadHash'>,
): { text: string; signedHeaders: string } {
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const text = [
    input.method.toUpperCase(),
    input.path || '/',
    canonicalQuery(input.query ?? []),
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  return { text, signedHeaders };
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

/** The signature of a string to sign (hex). */
export function signatureOf(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequestText)].join('\n');
}

export function signV4(input: SigV4Input): {
  authorization: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
} {
  const date = input.amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const canonical = canonicalRequest(input);
  const toSign = stringToSign(input.amzDate, scope, canonical.text);
  const signature = signatureOf(
    signingKey(input.secretAccessKey, date, input.region, input.service),
    toSign,
  );
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${canonical.signedHeaders}, Signature=${signature}`,
    signature,
    canonicalRequest: canonical.text,
    stringToSign: toSign,
  };
}
