import path from 'node:path';
import { z } from 'zod';

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
  LUOSHI_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Where evidence files (佐证材料) are kept, outside the web root; default DATA_DIR/evidence. */
  LUOSHI_EVIDENCE_DIR: z.string().optional(),
  /** Failed sign-ins allowed from one network address per window before it must wait (429). */
  LUOSHI_SIGN_IN_IP_LIMIT: z.coerce.number().int().positive().default(20),
  LUOSHI_SIGN_IN_IP_WINDOW_MINUTES: z.coerce.number().int().positive().default(5),
  /** 256-bit key (64 hex digits) sealing TOTP secrets; without it, DATA_DIR/secret.key is made and used. */
  LUOSHI_SECRET_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits').optional(),
  /** SMTP server for reminders (催办), e.g. smtps://user:pass@smtp.example.edu.cn:465; without it no e-mail is sent. */
  LUOSHI_SMTP_URL: z.string().url().optional(),
  LUOSHI_MAIL_FROM: z.string().default('落实 Luoshi <no-reply@localhost>'),
  /** The address people open the app at, for links in e-mails and group messages; default http://localhost:PORT. */
  LUOSHI_PUBLIC_URL: z.string().url().optional(),
  /** How often each process looks for due background jobs. */
  LUOSHI_JOB_POLL_SECONDS: z.coerce.number().positive().default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

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
  /** Evidence files: <evidenceDir>/<organization>/<sha[0:2]>/<sha256>. */
  evidenceDir: string;
  signInIpLimit: number;
  signInIpWindowMinutes: number;
  secretKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  jobPollSeconds: number;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** Where the built web app is; the server serves it when present. */
  webRoot: string;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env, projectRoot = process.cwd()): AppConfig {
  // An empty variable (DATABASE_URL= in a unit file or a shell) means "not set".
  const given = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(projectRoot, env.DATA_DIR),
    seedFile: env.LUOSHI_SEED_FILE === 'none' ? null : path.resolve(projectRoot, env.LUOSHI_SEED_FILE),
    secureCookies: env.LUOSHI_SECURE_COOKIES === 'true',
    trustProxy: env.LUOSHI_TRUST_PROXY === 'true',
    sessionIdleMinutes: env.LUOSHI_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.LUOSHI_SESSION_MAX_HOURS,
    uploadMaxBytes: env.LUOSHI_UPLOAD_MAX_BYTES,
    evidenceDir: path.resolve(projectRoot, env.LUOSHI_EVIDENCE_DIR ?? path.join(env.DATA_DIR, 'evidence')),
    signInIpLimit: env.LUOSHI_SIGN_IN_IP_LIMIT,
    signInIpWindowMinutes: env.LUOSHI_SIGN_IN_IP_WINDOW_MINUTES,
    secretKey: env.LUOSHI_SECRET_KEY,
    smtpUrl: env.LUOSHI_SMTP_URL,
    mailFrom: env.LUOSHI_MAIL_FROM,
    publicUrl: (env.LUOSHI_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    jobPollSeconds: env.LUOSHI_JOB_POLL_SECONDS,
    logLevel: env.LOG_LEVEL,
    webRoot: path.resolve(projectRoot, 'dist/web'),
  };
}
