import { defineOperation } from './operation';
import {
  totpStartBodySchema,
  changePasswordBodySchema,
  sessionResponseSchema,
  signInBodySchema,
  totpCodeBodySchema,
  totpEnrolmentSchema,
  userViewSchema,
} from './contracts';
import { z } from 'zod';
import { everyRole } from '../access';

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
