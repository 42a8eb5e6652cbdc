import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Clock } from '../../clock';
import type { AppConfig, S3StoreConfig } from '../../config';
import { createLocalEvidenceStore, evidenceAddress, type EvidenceStore } from './evidence.store';
import { amzDateOf, EMPTY_SHA256, sha256Hex, signV4, uriEncode } from './sigv4';

/** The object store could not be reached, or answered something other than what S3 answers. */
export class EvidenceStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvidenceStoreError';
  }
}

export interface S3EvidenceStore extends EvidenceStore {
  delete(organizationId: string, sha256: string): Promise<void>;
}

/** Pauses before the second and third try. */
const RETRIES = [100, 400];

interface S3Request {
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  key: string;
  body?: Buffer;
  /** Hex sha256 of the body; the empty body's when there is none. */
  payloadHash?: string;
}

/** `<Code>` and `<Message>` of an S3 XML error. */
function s3ErrorOf(xml: string): { code: string; message: string } {
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';
  return { code: field('Code'), message: field('Message') };
}

/**
 * Evidence in an S3-compatible bucket (AWS S3, MinIO, 阿里云 OSS in S3 mode, 腾讯云 COS), spoken
 * to over its REST API with Signature V4 (`sigv4.ts`), no SDK. Keys are
 * `<prefix><organization>/<sha[0:2]>/<sha256>`; path-style (`endpoint/bucket/key`, MinIO) or
 * virtual-host style (`bucket.endpoint/key`, the default of AWS, OSS and COS). Uploads are at most
 * the upload cap and already hashed, so a PUT sends them signed by that hash in one request.
 */
export function createS3EvidenceStore(
  config: S3StoreConfig,
  {
    clock,
    fetch: fetchImpl = fetch,
    timeoutMs = 30_000,
  }: { clock: Clock; fetch?: typeof fetch; timeoutMs?: number },
): S3EvidenceStore {
  const endpoint = new URL(config.endpoint);
  const base = config.forcePathStyle
    ? { origin: endpoint.origin, path: `/${uriEncode(config.bucket)}/` }
    : { origin: `${endpoint.protocol}//${config.bucket}.${endpoint.host}`, path: '/' };

  const keyOf = (organizationId: string, sha256: string) =>
    `${config.prefix}${evidenceAddress(organizationId, sha256).join('/')}`;

  /** One signed request; `timeoutMs` bounds the wait for the answer's headers, not the reading of its body. */
  async function attempt(request: S3Request): Promise<Response> {
    const path = `${base.path}${uriEncode(request.key, true)}`;
    const url = new URL(`${base.origin}${path}`);
    const payloadHash = request.payloadHash ?? EMPTY_SHA256;
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-date': amzDateOf(clock.now()),
      'x-amz-content-sha256': payloadHash,
    };
    const { authorization } = signV4({
      method: request.method,
      path,
      headers,
      payloadHash,
      region: config.region,
      service: 's3',
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      amzDate: headers['x-amz-date']!,
    });
    const { host: _host, ...sent } = headers; // fetch sets Host itself, from the same URL
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      return await fetchImpl(url, {
        method: request.method,
        headers: {
          ...sent,
          authorization,
          ...(request.body ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(request.body
          ? {
              body: new Uint8Array(
                request.body.buffer as ArrayBuffer,
                request.body.byteOffset,
                request.body.length,
              ),
            }
          : {}),
        signal: abort.signal,
      });
    } catch (error) {
      const reason =
        (error as Error).cause instanceof Error
          ? ((error as Error).cause as Error).message
          : (error as Error).message;
      throw new EvidenceStoreError(`S3 ${request.method} ${url.origin}: ${reason}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Every request here is idempotent (objects are content-addressed), so a dropped connection or
   * a 5xx (S3's SlowDown, a restarting MinIO) is tried again, up to three times in all.
   */
  async function send(request: S3Request): Promise<Response> {
    for (let tries = 1; ; tries += 1) {
      try {
        const response = await attempt(request);
        if (response.status < 500 || tries === RETRIES.length + 1) return response;
        await response.body?.cancel();
      } catch (error) {
        if (tries === RETRIES.length + 1) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRIES[tries - 1]));
    }
  }

  async function refused(request: S3Request, response: Response): Promise<EvidenceStoreError> {
    const { code, message } =
      request.method === 'HEAD'
        ? { code: '', message: '' }
        : s3ErrorOf(await response.text().catch(() => ''));
    return new EvidenceStoreError(
      `S3 ${request.method} ${config.bucket}/${request.key}: HTTP ${response.status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''}`,
    );
  }

  /** GET of an object: its answer, or null when the bucket has no such key (a missing bucket is an error). */
  async function getObject(
    organizationId: string,
    sha256: string,
  ): Promise<{ request: S3Request; response: Response } | null> {
    const request: S3Request = { method: 'GET', key: keyOf(organizationId, sha256) };
    const response = await send(request);
    if (response.status === 404) {
      const { code } = s3ErrorOf(await response.text());
      if (code === 'NoSuchKey' || code === '') return null;
      throw new EvidenceStoreError(`S3 GET ${config.bucket}: ${code}`);
    }
    if (!response.ok || !response.body) throw await refused(request, response);
    return { request, response };
  }

  async function exists(organizationId: string, sha256: string): Promise<boolean> {
    const request: S3Request = { method: 'HEAD', key: keyOf(organizationId, sha256) };
    const response = await send(request);
    if (response.ok) return true;
    if (response.status === 404) return false;
    throw await refused(request, response);
  }

  return {
    exists,
    async put(organizationId, sha256, bytes) {
      if (await exists(organizationId, sha256)) return;
      // The content address is the body's sha256: it signs the payload and S3 checks it on arrival.
      const payloadHash = sha256Hex(bytes);
      if (payloadHash !== sha256) throw new Error('evidence bytes do not match their address');
      const request: S3Request = {
        method: 'PUT',
        key: keyOf(organizationId, sha256),
        body: bytes,
        payloadHash,
      };
      const response = await send(request);
      if (!response.ok) throw await refused(request, response);
      await response.body?.cancel();
    },
    async get(organizationId, sha256) {
      const found = await getObject(organizationId, sha256);
      return found && Buffer.from(await found.response.arrayBuffer());
    },
    async open(organizationId, sha256) {
      const found = await getObject(organizationId, sha256);
      if (!found) return null;
      const { request, response } = found;
      const length = response.headers.get('content-length') ?? '';
      const sizeBytes = Number(length);
      if (!/^\d+$/.test(length) || !Number.isSafeInteger(sizeBytes)) {
        await response.body?.cancel();
        throw new EvidenceStoreError(`S3 GET ${config.bucket}/${request.key}: no content-length`);
      }
      return {
        body: Readable.fromWeb(response.body! as NodeReadableStream<Uint8Array>),
        sizeBytes,
      };
    },
    async delete(organizationId, sha256) {
      const request: S3Request = { method: 'DELETE', key: keyOf(organizationId, sha256) };
      const response = await send(request);
      if (!response.ok && response.status !== 404) throw await refused(request, response);
      await response.body?.cancel();
    },
  };
}

/** The store the configuration names (LUOSHI_EVIDENCE_STORE): local disk or S3. */
export function evidenceStoreFromConfig(
  config: Pick<AppConfig, 'evidenceStore' | 'evidenceDir'>,
  clock: Clock,
): EvidenceStore {
  const chosen = config.evidenceStore;
  return chosen.kind === 's3'
    ? createS3EvidenceStore(chosen, { clock })
    : createLocalEvidenceStore(config.evidenceDir);
}
