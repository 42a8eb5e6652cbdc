import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import type { S3StoreConfig } from '../../src/server/config';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import {
  createS3EvidenceStore,
  EvidenceStoreError,
} from '../../src/server/modules/evidence/evidence.s3-store';
import { evidence as evidenceTable } from '../../src/server/modules/evidence/evidence.table';
import type { EvidenceView } from '../../src/shared/api/evidence';
import { samplePdf } from '../support/evidence-files';
import { startS3Server } from '../support/s3-server';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type TestApp,
} from '../support/test-app';

const credentials = {
  accessKeyId: 'LUOSHITESTKEY',
  secretAccessKey: 'test/secret+key=1',
  region: 'cn-east-1',
  bucket: 'luoshi-evidence',
};
let s3: Awaited<ReturnType<typeof startS3Server>>;
beforeAll(async () => {
  s3 = await startS3Server(credentials);
});
afterAll(async () => s3.close());

const clock = new ManualClock('2026-11-25T02:00:00Z');
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storeConfig = (overrides: Partial<S3StoreConfig> = {}): S3StoreConfig => ({
  endpoint: s3.endpoint,
  region: credentials.region,
  bucket: credentials.bucket,
  accessKeyId: credentials.accessKeyId,
  secretAccessKey: credentials.secretAccessKey,
  forcePathStyle: true,
  prefix: 'luoshi/',
  ...overrides,
});
const onDisk = (key: string) => path.join(s3.root, credentials.bucket, ...key.split('/'));

/**
 * fetch for virtual-host style without DNS: `bucket.s3.test:port` is dialled at 127.0.0.1 and
 * sent with its own Host header, as a resolver would make happen.
 */
const viaLoopback: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  const body = init?.body as Uint8Array | undefined;
  return new Promise<Response>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        method: init?.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...(init?.headers as Record<string, string>), host: url.host },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 500;
          const empty = init?.method === 'HEAD' || status === 204;
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status,
              headers: incoming.headers as Record<string, string>,
            }),
          );
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
};

describe('the S3 evidence store against an S3-compatible server', () => {
  const organizationId = randomUUID();

  it('puts, heads, gets and deletes objects path-style, signed with Signature V4', async () => {
    const store = createS3EvidenceStore(storeConfig(), { clock });
    const bytes = samplePdf('stored in a bucket');
    const sha = sha256Of(bytes);
    const key = `luoshi/${organizationId}/${sha.slice(0, 2)}/${sha}`;
    expect(await store.exists(organizationId, sha)).toBe(false);
    expect(await store.get(organizationId, sha)).toBeNull();
    await store.put(organizationId, sha, bytes);
    expect(readFileSync(onDisk(key)).equals(bytes)).toBe(true);
    expect(await store.exists(organizationId, sha)).toBe(true);
    expect((await store.get(organizationId, sha))!.equals(bytes)).toBe(true);
    // The same content again: a HEAD finds it, no second PUT.
    const puts = () =>
      s3.requests.filter((request) => request.method === 'PUT' && request.key === key).length;
    await store.put(organizationId, sha, bytes);
    expect(puts()).toBe(1);
    await store.delete(organizationId, sha);
    expect(existsSync(onDisk(key))).toBe(false);
    expect(await store.get(organizationId, sha)).toBeNull();
    expect(
      s3.requests
        .filter((request) => request.key === key || request.key.includes(sha))
        .every((request) => request.code === null || request.code === 'NoSuchKey'),
    ).toBe(true);
  });

  it('speaks virtual-host style (bucket in the host name), as AWS, OSS and COS expect', async () => {
    const port = new URL(s3.endpoint).port;
    const store = createS3EvidenceStore(
      storeConfig({ endpoint: `http://s3.test:${port}`, forcePathStyle: false, prefix: '' }),
      { clock, fetch: viaLoopback },
    );
    const bytes = Buffer.from('virtual host');
    const sha = sha256Of(bytes);
    await store.put(organizationId, sha, bytes);
    expect(readFileSync(onDisk(`${organizationId}/${sha.slice(0, 2)}/${sha}`)).equals(bytes)).toBe(
      true,
    );
    expect((await store.get(organizationId, sha))!.toString()).toBe('virtual host');
  });

  it('is refused with SignatureDoesNotMatch when the secret is wrong, and says so', async () => {
    const store = createS3EvidenceStore(storeConfig({ secretAccessKey: 'not the secret' }), {
      clock,
    });
    const bytes = Buffer.from('never stored');
    const sha = sha256Of(bytes);
    await expect(store.put(organizationId, sha, bytes)).rejects.toThrow(EvidenceStoreError);
    await expect(store.get(organizationId, sha)).rejects.toThrow(/HTTP 403 SignatureDoesNotMatch/);
    // Found by its key: the fake server records a request when its answer has been sent, so a
    // previous test's download may be recorded after this one's refusal.
    expect(s3.requests.findLast((request) => request.key.includes(sha))).toMatchObject({
      method: 'GET',
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(existsSync(onDisk(`luoshi/${organizationId}/${sha.slice(0, 2)}/${sha}`))).toBe(false);
  });

  it('streams an object for download, with its size', async () => {
    const store = createS3EvidenceStore(storeConfig(), { clock });
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    const sha = sha256Of(bytes);
    await store.put(organizationId, sha, bytes);
    const opened = (await store.open(organizationId, sha))!;
    expect(opened.sizeBytes).toBe(bytes.length);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.body) chunks.push(chunk as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(await store.open(organizationId, sha256Of(Buffer.from('absent')))).toBeNull();
  });

  it('tries again after a 503 SlowDown, up to three times in all', async () => {
    const store = createS3EvidenceStore(storeConfig(), { clock });
    const bytes = Buffer.from('busy store');
    const sha = sha256Of(bytes);
    s3.slowDown.next = 2;
    await store.put(organizationId, sha, bytes);
    expect((await store.get(organizationId, sha))!.toString()).toBe('busy store');
    expect(s3.requests.filter((request) => request.code === 'SlowDown')).toHaveLength(2);
    s3.slowDown.next = 3;
    await expect(store.exists(organizationId, sha)).rejects.toThrow(/HTTP 503/);
    expect(s3.requests.filter((request) => request.code === 'SlowDown')).toHaveLength(5);
  });

  it('refuses bytes that do not match their address before sending them', async () => {
    const store = createS3EvidenceStore(storeConfig(), { clock });
    await expect(
      store.put(organizationId, sha256Of(Buffer.from('a')), Buffer.from('b')),
    ).rejects.toThrow('do not match');
  });
});

describe('evidence through the app with the S3 store', () => {
  let t: TestApp;
  let down: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { evidenceStore: { kind: 's3', ...storeConfig() } } });
    // A store nobody answers at: port 9 (discard) on loopback refuses the connection.
    down = await createTestApp({
      config: { evidenceStore: { kind: 's3', ...storeConfig({ endpoint: 'http://127.0.0.1:9' }) } },
    });
  });
  afterAll(async () => {
    await t.close();
    await down.close();
  });

  async function liaisonOf(app: TestApp) {
    const { organization, departments } = await createInstitution(app.db, [{ name: '教务处' }]);
    const user = await createUser(app.db, organization.id, 'liaison', {
      departmentId: departments['教务处']!.id,
    });
    return { organization, liaison: await signIn(app.app, user.username) };
  }

  it('uploads into the bucket and downloads the same bytes', async () => {
    const { organization, liaison } = await liaisonOf(t);
    const bytes = samplePdf('uploaded through the app');
    const { payload, headers } = multipartFile('会议纪要.pdf', bytes);
    const uploaded = await liaison.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload,
      headers,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const view: EvidenceView = uploaded.json();
    const sha = sha256Of(bytes);
    expect(
      readFileSync(onDisk(`luoshi/${organization.id}/${sha.slice(0, 2)}/${sha}`)).equals(bytes),
    ).toBe(true);
    expect(existsSync(path.join(t.config.evidenceDir, organization.id))).toBe(false);
    const downloaded = await liaison.get(view.contentUrl!);
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.rawPayload.equals(bytes)).toBe(true);
    expect(downloaded.headers['content-type']).toBe('application/pdf');
  });

  it("with the store down: a clear error in the user's language, and no evidence row or audit entry", async () => {
    const { organization, liaison } = await liaisonOf(down);
    const { payload, headers } = multipartFile('纪要.pdf', samplePdf('nowhere to go'));
    const refused = await liaison.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload,
      headers,
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'evidence.store_unavailable' });
    expect(refused.json().error.message).toContain('文件存储服务暂时无法访问');
    const english = await liaison.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload,
      headers: { ...headers, 'accept-language': 'en' },
    });
    expect(english.json().error.message).toContain('The file store cannot be reached');
    expect(
      await down.db
        .select()
        .from(evidenceTable)
        .where(eq(evidenceTable.organizationId, organization.id)),
    ).toEqual([]);
    expect(
      await down.db
        .select()
        .from(auditLog)
        .where(
          and(eq(auditLog.organizationId, organization.id), eq(auditLog.action, 'evidence.upload')),
        ),
    ).toEqual([]);
  });
});
