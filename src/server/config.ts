import path from 'node:path';
import { z } from 'zod';
import { parseAllowList } from './http/outbound';
import type { DocumentReaderOptions } from './io/document-pool';
import {
  type DocumentWriterOptions,
  defaultDocumentWriterOptions,
} from './io/document-writer-pool';

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** An external PostgreSQL 15+; without it the embedded server under DATA_DIR is used. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('data'),
  /** The plan loaded into an empty database on first start; "none" to start empty. */
  LUOSHI_SEED_FILE: z.string().default('seeds/ciir-2024-teacher-quality-standard-plan.txt'),
  /** Set when served over HTTPS, so that cookies are sent only over TLS. */
  LUOSHI_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  LUOSHI_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  LUOSHI_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  LUOSHI_SESSION_MAX_HOURS: z.coerce.number().int().positive().default(12),
  LUOSHI_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Uploaded documents read at the same time, each in its own worker thread (off the event loop). */
  LUOSHI_UPLOAD_READERS: z.coerce.number().int().min(1).max(16).default(1),
  /** Uploads that may wait for a reader; one more is refused at once (upload.busy, 503). */
  LUOSHI_UPLOAD_QUEUE: z.coerce.number().int().min(0).default(4),
  /** A reader still reading after this many seconds is stopped and the upload refused (upload.too_heavy). */
  LUOSHI_UPLOAD_READ_SECONDS: z.coerce.number().positive().default(60),
  /** The heap one reader may use, in MB; beyond it the reader is stopped and the upload refused. */
  LUOSHI_UPLOAD_READER_MEMORY_MB: z.coerce.number().int().min(32).default(1536),
  /** Exports written at the same time, each in its own worker thread (off the event loop). */
  LUOSHI_EXPORT_WRITERS: z.coerce.number().int().min(1).max(16).default(1),
  /** Exports that may wait for a writer; one more is refused at once (export.busy, 503). */
  LUOSHI_EXPORT_QUEUE: z.coerce.number().int().min(0).default(32),
  /** Where evidence files (佐证材料) are kept, outside the web root; default DATA_DIR/evidence. */
  LUOSHI_EVIDENCE_DIR: z.string().optional(),
  /** Where evidence files are kept: "local" (LUOSHI_EVIDENCE_DIR) or "s3" (an S3-compatible object store, LUOSHI_S3_*). */
  LUOSHI_EVIDENCE_STORE: z.enum(['local', 's3']).default('local'),
  /** e.g. https://s3.oss-cn-hangzhou.aliyuncs.com, https://cos.ap-guangzhou.myqcloud.com, http://minio:9000; default AWS's for the region. */
  LUOSHI_S3_ENDPOINT: z.string().url().optional(),
  LUOSHI_S3_REGION: z.string().optional(),
  LUOSHI_S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a bucket name: 3–63 lower-case letters, digits, dots and hyphens',
    )
    .optional(),
  LUOSHI_S3_ACCESS_KEY_ID: z.string().optional(),
  LUOSHI_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** "true" for https://endpoint/bucket/key (MinIO); default https://bucket.endpoint/key (AWS, OSS, COS). */
  LUOSHI_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  /** Prepended to every object key, e.g. "luoshi/" when the bucket is shared. */
  LUOSHI_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._/-]*$/, 'may hold letters, digits, ".", "_", "-" and "/" only')
    .default(''),
  /** Failed sign-ins allowed from one network address per window before it must wait (429). */
  LUOSHI_SIGN_IN_IP_LIMIT: z.coerce.number().int().positive().default(20),
  LUOSHI_SIGN_IN_IP_WINDOW_MINUTES: z.coerce.number().int().positive().default(5),
  /** Requests a minute one address may make to the public endpoints (campus sign-on steps, health, provider list). */
  LUOSHI_ANONYMOUS_RATE_LIMIT: z.coerce.number().int().positive().default(120),
  /** Internal addresses the robots' webhooks may reach after all: host names or CIDR ranges, comma-separated. */
  LUOSHI_OUTBOUND_ALLOW: z.string().optional(),
  /** 256-bit key (64 hex digits) sealing TOTP secrets; without it, DATA_DIR/secret.key is made and used. */
  LUOSHI_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
    .optional(),
  /** SMTP server for reminders (催办), e.g. smtps://user:pass@smtp.example.edu.cn:465; without it no e-mail is sent. */
  LUOSHI_SMTP_URL: z.string().url().optional(),
  LUOSHI_MAIL_FROM: z.string().default('落实 Luoshi <no-reply@localhost>'),
  /** The address people open the app at, for links in e-mails and group messages; default http://localhost:PORT. */
  LUOSHI_PUBLIC_URL: z.string().url().optional(),
  /** How often each process looks for due background jobs. */
  LUOSHI_JOB_POLL_SECONDS: z.coerce.number().positive().default(5),
  /** How long the audit log is kept, in days; 等保 2.0 asks for at least 180 (the database refuses deleting younger rows anyway). */
  LUOSHI_AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(180, 'must be at least 180 days (等保 2.0)')
    .default(365),
  /** Where the 企业微信 and 钉钉 application-message APIs are (their public addresses unless a private deployment). */
  LUOSHI_WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),
  LUOSHI_DINGTALK_API_BASE: z.string().url().default('https://oapi.dingtalk.com'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** An S3-compatible object store for evidence files. */
export interface S3StoreConfig {
  /** Without path: https://s3.example.com */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** "" or ending in "/". */
  prefix: string;
}

export type EvidenceStoreConfig = { kind: 'local' } | ({ kind: 's3' } & S3StoreConfig);

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seedFile: string | null;
  secureCookies: boolean;
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  uploadMaxBytes: number;
  /** How uploaded documents are read (io/document-pool.ts); `workers: 0` only in a test, to compare. */
  documentReaders: DocumentReaderOptions;
  /** How exports are written (io/document-writer-pool.ts); `workers: 0` only in a bench or test, to compare. */
  documentWriters: DocumentWriterOptions;
  /** Evidence files: <evidenceDir>/<organization>/<sha[0:2]>/<sha256>. */
  evidenceDir: string;
  /** Local disk (evidenceDir) or S3; every app process must use the same. */
  evidenceStore: EvidenceStoreConfig;
  signInIpLimit: number;
  signInIpWindowMinutes: number;
  anonymousRateLimit: number;
  /** Internal destinations allowed for outbound webhooks (http/outbound.ts). */
  outboundAllow: string[];
  secretKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  jobPollSeconds: number;
  /** Audit entries older than this many days are purged daily (at least 180). */
  auditRetentionDays: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  wecomApiBase: string;
  dingtalkApiBase: string;
  /** Where the built web app is; the server serves it when present. */
  webRoot: string;
}

export function loadConfig(
  environment: NodeJS.ProcessEnv = process.env,
  projectRoot = process.cwd(),
): AppConfig {
  // An empty variable (DATABASE_URL= in a unit file or a shell) means "not set".
  const given = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(projectRoot, env.DATA_DIR),
    seedFile:
      env.LUOSHI_SEED_FILE === 'none' ? null : path.resolve(projectRoot, env.LUOSHI_SEED_FILE),
    secureCookies: env.LUOSHI_SECURE_COOKIES === 'true',
    trustProxy: env.LUOSHI_TRUST_PROXY === 'true',
    sessionIdleMinutes: env.LUOSHI_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.LUOSHI_SESSION_MAX_HOURS,
    uploadMaxBytes: env.LUOSHI_UPLOAD_MAX_BYTES,
    documentReaders: {
      workers: env.LUOSHI_UPLOAD_READERS,
      queue: env.LUOSHI_UPLOAD_QUEUE,
      timeoutMs: env.LUOSHI_UPLOAD_READ_SECONDS * 1000,
      memoryMb: env.LUOSHI_UPLOAD_READER_MEMORY_MB,
    },
    documentWriters: {
      ...defaultDocumentWriterOptions,
      workers: env.LUOSHI_EXPORT_WRITERS,
      queue: env.LUOSHI_EXPORT_QUEUE,
    },
    evidenceDir: path.resolve(
      projectRoot,
      env.LUOSHI_EVIDENCE_DIR ?? path.join(env.DATA_DIR, 'evidence'),
    ),
    evidenceStore: evidenceStoreConfig(env),
    signInIpLimit: env.LUOSHI_SIGN_IN_IP_LIMIT,
    signInIpWindowMinutes: env.LUOSHI_SIGN_IN_IP_WINDOW_MINUTES,
    anonymousRateLimit: env.LUOSHI_ANONYMOUS_RATE_LIMIT,
    outboundAllow: parseAllowList(env.LUOSHI_OUTBOUND_ALLOW),
    secretKey: env.LUOSHI_SECRET_KEY,
    smtpUrl: env.LUOSHI_SMTP_URL,
    mailFrom: env.LUOSHI_MAIL_FROM,
    publicUrl: (env.LUOSHI_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    jobPollSeconds: env.LUOSHI_JOB_POLL_SECONDS,
    auditRetentionDays: env.LUOSHI_AUDIT_RETENTION_DAYS,
    logLevel: env.LOG_LEVEL,
    wecomApiBase: env.LUOSHI_WECOM_API_BASE,
    dingtalkApiBase: env.LUOSHI_DINGTALK_API_BASE,
    webRoot: path.resolve(projectRoot, 'dist/web'),
  };
}

/** LUOSHI_EVIDENCE_STORE=s3 and the LUOSHI_S3_* variables it needs, each missing one named. */
function evidenceStoreConfig(env: z.infer<typeof environmentSchema>): EvidenceStoreConfig {
  if (env.LUOSHI_EVIDENCE_STORE === 'local') return { kind: 'local' };
  const missing: string[] = (
    ['LUOSHI_S3_BUCKET', 'LUOSHI_S3_ACCESS_KEY_ID', 'LUOSHI_S3_SECRET_ACCESS_KEY'] as const
  ).filter((name) => !env[name]);
  if (!env.LUOSHI_S3_ENDPOINT && !env.LUOSHI_S3_REGION)
    missing.push('LUOSHI_S3_ENDPOINT or LUOSHI_S3_REGION');
  if (missing.length > 0)
    throw new Error(`Invalid environment: LUOSHI_EVIDENCE_STORE=s3 needs ${missing.join(', ')}`);
  const region = env.LUOSHI_S3_REGION ?? 'us-east-1';
  // AWS's own endpoint for the region; its China regions live under amazonaws.com.cn.
  const endpoint = new URL(
    env.LUOSHI_S3_ENDPOINT ??
      `https://s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
  );
  if (endpoint.pathname !== '/' || endpoint.search || endpoint.username)
    throw new Error(
      'Invalid environment: LUOSHI_S3_ENDPOINT must be a plain address such as https://s3.oss-cn-hangzhou.aliyuncs.com (no path, no credentials; the bucket goes in LUOSHI_S3_BUCKET)',
    );
  const prefix = env.LUOSHI_S3_PREFIX.replace(/^\/+|\/+$/g, '');
  return {
    kind: 's3',
    endpoint: endpoint.origin,
    region,
    bucket: env.LUOSHI_S3_BUCKET!,
    accessKeyId: env.LUOSHI_S3_ACCESS_KEY_ID!,
    secretAccessKey: env.LUOSHI_S3_SECRET_ACCESS_KEY!,
    forcePathStyle: env.LUOSHI_S3_FORCE_PATH_STYLE === 'true',
    prefix: prefix ? `${prefix}/` : '',
  };
}
