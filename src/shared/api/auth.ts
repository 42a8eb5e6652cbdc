import { defineOperation } from './operation';
import { z } from 'zod';
import { everyRole } from '../access';
import { roleSchema, timestampSchema, uuidSchema } from './common';

export const userViewSchema = z.object({
  id: uuidSchema,
  organizationId: uuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  departmentId: uuidSchema.nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  mustChangePassword: z.boolean(),
  /** Whether signing in takes a code from an authenticator app as well. */
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  /** Set while failed sign-ins keep the account locked (a security admin may unlock it sooner). */
  lockedUntil: timestampSchema.nullable(),
  lastSignInAt: timestampSchema.nullable(),
  /** Send it back with an edit: a stale one is refused (409). */
  version: z.number().int(),
});

/** A code from an authenticator app (TOTP): six digits. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/);

export const signInBodySchema = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(256),
  /** Needed when the user has turned two-step verification on; without it the answer is auth.totp_required. */
  totpCode: totpCodeSchema.optional(),
});

export const totpCodeBodySchema = z.object({ code: totpCodeSchema });
/** Turning two-step verification on asks for the password: a stolen session alone cannot bind the thief's authenticator. */
export const totpStartBodySchema = z.object({ currentPassword: z.string().min(1).max(256) });

/** Shown once, when enrolling: the secret for typing in, and the URI a QR code carries. */
export const totpEnrolmentSchema = z.object({ secret: z.string(), otpauthUri: z.string() });

export const sessionResponseSchema = z.object({
  user: userViewSchema,
  organization: z.object({
    id: uuidSchema,
    name: z.string(),
    /** The institution's time zone: every time the web shows is shown in it. */
    timeZone: z.string().default('Asia/Shanghai'),
  }),
  /** Send back as the x-csrf-token header on every write. */
  csrfToken: z.string(),
  idleTimeoutMinutes: z.number().int(),
});

export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export type UserView = z.infer<typeof userViewSchema>;
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** The auth operations: what the server serves and the web calls. */
export const authApi = {
  signIn: defineOperation({
    id: 'auth.signIn',
    method: 'POST',
    path: '/api/v1/auth/sign-in',
    tags: ['auth'],
    body: signInBodySchema,
    response: sessionResponseSchema,
    access: 'public',
  }),
  session: defineOperation({
    id: 'auth.session',
    method: 'GET',
    path: '/api/v1/auth/session',
    tags: ['auth'],
    response: sessionResponseSchema,
    access: 'signed-in',
  }),
  signOut: defineOperation({
    id: 'auth.signOut',
    method: 'POST',
    path: '/api/v1/auth/sign-out',
    tags: ['auth'],
    response: z.null(),
    status: 204,
    access: 'signed-in',
  }),
  changePassword: defineOperation({
    id: 'auth.changePassword',
    method: 'POST',
    path: '/api/v1/auth/password',
    tags: ['auth'],
    body: changePasswordBodySchema,
    response: userViewSchema,
    access: 'signed-in',
  }),
  signOutEverywhere: defineOperation({
    id: 'auth.signOutEverywhere',
    method: 'POST',
    path: '/api/v1/auth/sign-out-everywhere',
    tags: ['auth'],
    response: z.null(),
    status: 204,
    access: 'signed-in',
  }),
  totpStart: defineOperation({
    id: 'auth.totpStart',
    method: 'POST',
    path: '/api/v1/auth/totp/start',
    tags: ['auth'],
    body: totpStartBodySchema,
    response: totpEnrolmentSchema,
    access: everyRole,
  }),
  totpConfirm: defineOperation({
    id: 'auth.totpConfirm',
    method: 'POST',
    path: '/api/v1/auth/totp/confirm',
    tags: ['auth'],
    body: totpCodeBodySchema,
    response: userViewSchema,
    access: everyRole,
  }),
  totpDisable: defineOperation({
    id: 'auth.totpDisable',
    method: 'POST',
    path: '/api/v1/auth/totp/disable',
    tags: ['auth'],
    body: totpCodeBodySchema,
    response: userViewSchema,
    access: everyRole,
  }),
} as const;
