import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { signInBodySchema } from '../../../shared/api/auth';
import { localDateTime } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { mayDisableOwnTotp } from '../../../shared/powers';
import {
  checkPassword,
  lockoutMinutes,
  maxFailedSignIns,
  passwordExpired,
} from '../../../shared/password-policy';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database, Executor } from '../../db/client';
import { findOrganization } from '../organizations/organization.repository';
import { insertAuditEntry } from '../audit/audit.repository';
import { recordAudit } from '../audit/audit.service';
import { hashPassword, spendVerificationTime, verifyPassword } from '../users/password';
import {
  claimTotpStep,
  countFailedSignIn,
  findUserByUsername,
  findUserInOrganization,
  updateUser,
} from '../users/user.repository';
import type { User } from '../users/user.table';
import { type Actor, actorOfUser } from './actor';
import { createSecretBox } from './secret-box';
import {
  deleteSession,
  deleteSessionsOfUser,
  findSessionWithUser,
  insertSession,
  touchSession,
} from './session.repository';
import {
  deleteSignInFailuresBefore,
  insertSignInFailure,
  releaseSignInFailure,
  reserveSignInFailure,
} from './sign-in-failure.repository';
import { generateTotpSecret, matchTotp, totpUri } from './totp';

type SignInInput = z.output<typeof signInBodySchema>;

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** How a campus sign-on vouched for the user, recorded with the sign-in in the audit log. */
export interface SignInVia {
  method: 'cas' | 'oidc';
  providerId: string;
}

export interface SignedInSession {
  tokenHash: string;
  csrfToken: string;
  user: User;
  actor: Actor;
}

export interface AuthServiceDependencies {
  db: Database;
  clock: Clock;
  config: Pick<
    AppConfig,
    | 'sessionIdleMinutes'
    | 'sessionMaxHours'
    | 'signInIpLimit'
    | 'signInIpWindowMinutes'
    | 'secretKey'
    | 'dataDir'
  >;
}

/** The name authenticator apps show above the code. */
export const TOTP_ISSUER = 'Luoshi';

// Writing last_seen_at on every request would turn every read into a write.
const TOUCH_INTERVAL_MS = 60_000;

/** A lock ends within a minute; the message names the minute after which signing in works again. */
function lockedError(lockedUntil: Date): AppError {
  const shown = new Date(Math.ceil(lockedUntil.getTime() / 60_000) * 60_000);
  return new AppError('auth.account_locked', {
    count: maxFailedSignIns,
    until: localDateTime(shown),
  });
}

/** An administrator whose password is too old is treated as one who must change it. */
function withPasswordAge(user: User, now: Date): User {
  if (
    user.mustChangePassword ||
    !passwordExpired(user.role, user.passwordChangedAt ?? user.createdAt, now)
  )
    return user;
  return { ...user, mustChangePassword: true };
}

export function createAuthService({ db, clock, config }: AuthServiceDependencies) {
  const idleMs = config.sessionIdleMinutes * 60_000;
  const ipWindowMs = config.signInIpWindowMinutes * 60_000;
  const secrets = createSecretBox(config);

  /** One failure from this address, for the per-address limit; what no window counts any more goes. */
  async function noteAddressFailure(
    executor: Executor,
    origin: RequestOrigin,
    username: string,
    at: Date,
  ) {
    if (!origin.ip) return;
    await insertSignInFailure(executor, { ip: origin.ip, username, at });
    await deleteSignInFailuresBefore(executor, new Date(at.getTime() - ipWindowMs));
  }

  /** A failed sign-in of a known account, audited; returns when the account is now locked until, if this failure locked it. */
  async function countFailure(
    user: User,
    actor: Actor,
    typedName: string,
    reason: string,
    addressCounted = false,
  ): Promise<Date | null> {
    return db.transaction(async (tx) => {
      const now = clock.now();
      // A password sign-in reserved its failure of the address before checking anything.
      if (!addressCounted) await noteAddressFailure(tx, actor, typedName, now);
      const counted = await countFailedSignIn(
        tx,
        user.id,
        maxFailedSignIns,
        new Date(now.getTime() + lockoutMinutes * 60_000),
      );
      await recordAudit(tx, clock, actor, {
        action: 'auth.sign_in_failed',
        entityType: 'user',
        entityId: user.id,
        after: { reason, failuresInARow: counted.failures },
      });
      if (counted.lockedUntil) {
        await recordAudit(tx, clock, actor, {
          action: 'auth.account_locked',
          entityType: 'user',
          entityId: user.id,
          after: { reason, lockedUntil: counted.lockedUntil.toISOString() },
        });
      }
      return counted.lockedUntil;
    });
  }

  /**
   * The password of a signed-in user, checked again before a change to the account's security (a
   * new password, an authenticator): a wrong one counts towards the lockout as a failed sign-in
   * does, and the lock ends the user's sessions, so a stolen session cannot guess it.
   */
  async function confirmCurrentPassword(
    signedIn: SignedInSession,
    user: User,
    password: string,
    reason: string,
  ): Promise<void> {
    if (!(await verifyPassword(user.passwordHash, password)))
      await refuseWrongPassword(signedIn, user, reason);
  }

  async function refuseWrongPassword(
    signedIn: SignedInSession,
    user: User,
    reason: string,
  ): Promise<never> {
    const lockedUntil = await countFailure(user, signedIn.actor, user.username, reason);
    if (lockedUntil) {
      await deleteSessionsOfUser(db, user.id);
      throw lockedError(lockedUntil);
    }
    throw new AppError('auth.invalid_credentials');
  }

  /** The user as the database has it now (the session's copy may predate a change in another tab). */
  async function currentUser(signedIn: SignedInSession): Promise<User> {
    const user = await findUserInOrganization(db, signedIn.user.organizationId, signedIn.user.id);
    if (!user) throw new AppError('auth.required');
    return user;
  }

  /** After the first factor: a disabled account is refused, the TOTP code checked when it is on, the session opened. */
  async function finishSignIn(
    user: User,
    actor: Actor,
    tokenHash: string,
    origin: RequestOrigin,
    totpCode: string | undefined,
    attemptAt: Date,
    via: SignInVia | Record<string, never>,
    addressCounted = false,
  ) {
    if (user.disabled) {
      await recordAudit(db, clock, actor, {
        action: 'auth.sign_in_failed',
        entityType: 'user',
        entityId: user.id,
        after: { reason: 'disabled', ...via },
      });
      throw new AppError('auth.account_disabled');
    }
    if (user.totpEnabledAt && user.totpSecret) {
      // The first factor was right: say a code is needed, but count nothing and reset nothing until it comes.
      if (!totpCode) throw new AppError('auth.totp_required');
      const step = matchTotp(await secrets.open(user.totpSecret, user.id), totpCode, attemptAt);
      if (step === null || !(await claimTotpStep(db, user.id, step))) {
        const lockedUntil = await countFailure(
          user,
          actor,
          user.username,
          step === null ? 'wrong_totp' : 'replayed_totp',
          addressCounted,
        );
        throw lockedUntil ? lockedError(lockedUntil) : new AppError('auth.totp_invalid');
      }
    }

    const now = clock.now();
    const expired = withPasswordAge(user, now).mustChangePassword && !user.mustChangePassword;
    const csrfToken = randomBytes(24).toString('base64url');
    const signedInUser = await db.transaction(async (tx) => {
      await insertSession(tx, {
        tokenHash,
        organizationId: user.organizationId,
        userId: user.id,
        csrfToken,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + config.sessionMaxHours * 3_600_000),
        ip: origin.ip,
        userAgent: origin.userAgent,
      });
      await recordAudit(tx, clock, actor, {
        action: 'auth.sign_in',
        entityType: 'user',
        entityId: user.id,
        after: { secondFactor: user.totpEnabledAt ? 'totp' : null, ...via },
      });
      if (expired) {
        await recordAudit(tx, clock, actor, {
          action: 'auth.password_expired',
          entityType: 'user',
          entityId: user.id,
          after: { passwordChangedAt: (user.passwordChangedAt ?? user.createdAt).toISOString() },
        });
      }
      return updateUser(tx, user.id, {
        lastSignInAt: now,
        failedSignIns: 0,
        lockedUntil: null,
        ...(expired ? { mustChangePassword: true } : {}),
      });
    });
    return { tokenHash, csrfToken, user: signedInUser, actor } satisfies SignedInSession;
  }

  /** The password sign-in's checks, after the address's limit; `addressCounted`: its failure is reserved already. */
  async function checkSignIn(
    input: SignInInput,
    tokenHash: string,
    origin: RequestOrigin,
    attemptAt: Date,
    addressCounted: boolean,
  ) {
    const { username, password, totpCode } = input;
    const user = await findUserByUsername(db, username);
    if (!user) {
      await spendVerificationTime(password);
      await db.transaction(async (tx) => {
        if (!addressCounted) await noteAddressFailure(tx, origin, username, attemptAt);
        await insertAuditEntry(tx, {
          action: 'auth.sign_in_failed',
          entityType: 'user',
          actorName: username.slice(0, 100),
          ip: origin.ip,
          userAgent: origin.userAgent,
          at: attemptAt,
          after: { reason: 'unknown_user' },
        });
      });
      throw new AppError('auth.invalid_credentials');
    }
    const actor = actorOfUser(user, origin);
    if (user.lockedUntil && user.lockedUntil > attemptAt) {
      await recordAudit(db, clock, actor, {
        action: 'auth.sign_in_failed',
        entityType: 'user',
        entityId: user.id,
        after: { reason: 'locked', lockedUntil: user.lockedUntil.toISOString() },
      });
      throw lockedError(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const lockedUntil = await countFailure(
        user,
        actor,
        username,
        'wrong_password',
        addressCounted,
      );
      throw lockedUntil ? lockedError(lockedUntil) : new AppError('auth.invalid_credentials');
    }
    return finishSignIn(user, actor, tokenHash, origin, totpCode, attemptAt, {}, addressCounted);
  }

  return {
    /**
     * Checks the password (and the TOTP code when the user has turned two-step verification on)
     * and opens a session; the caller sets the cookie to the token whose hash is `tokenHash`. Refused, before
     * any password is checked, when the address has failed too often or the account is locked.
     */
    async signIn(input: SignInInput, tokenHash: string, origin: RequestOrigin) {
      const { username } = input;
      const attemptAt = clock.now();
      if (!origin.ip) return checkSignIn(input, tokenHash, origin, attemptAt, false);
      // The address's failure is reserved before anything is checked, atomically: the limit holds
      // exactly however many sign-ins arrive at once. A success gives it back.
      const reservation = await reserveSignInFailure(
        db,
        { ip: origin.ip, username, at: attemptAt },
        new Date(attemptAt.getTime() - ipWindowMs),
        config.signInIpLimit,
      );
      if ('refused' in reservation) {
        await insertAuditEntry(db, {
          action: 'auth.sign_in_rate_limited',
          entityType: 'user',
          actorName: username.slice(0, 100),
          ip: origin.ip,
          userAgent: origin.userAgent,
          at: attemptAt,
          after: { failuresFromAddress: reservation.total },
        });
        throw new AppError('request.rate_limited');
      }
      try {
        const session = await checkSignIn(input, tokenHash, origin, attemptAt, true);
        await releaseSignInFailure(db, reservation.id);
        return session;
      } catch (error) {
        // The password was right and a code is still owed: not a failure.
        if (error instanceof AppError && error.code === 'auth.totp_required')
          await releaseSignInFailure(db, reservation.id);
        throw error;
      }
    },

    /**
     * Signs in a user whom a campus identity provider has vouched for (the first factor): a locked
     * or disabled account is refused, a TOTP code is still asked for when two-step verification is
     * on (auth.totp_required), and the session is the same as a password sign-in's.
     */
    async signInVerified(
      user: User,
      tokenHash: string,
      origin: RequestOrigin,
      options: { totpCode?: string | undefined; via: SignInVia },
    ) {
      const attemptAt = clock.now();
      const actor = actorOfUser(user, origin);
      if (user.lockedUntil && user.lockedUntil > attemptAt) {
        await recordAudit(db, clock, actor, {
          action: 'auth.sign_in_failed',
          entityType: 'user',
          entityId: user.id,
          after: { reason: 'locked', lockedUntil: user.lockedUntil.toISOString(), ...options.via },
        });
        throw lockedError(user.lockedUntil);
      }
      return finishSignIn(user, actor, tokenHash, origin, options.totpCode, attemptAt, options.via);
    },

    /** The session behind a cookie, if it is still alive; idle or expired sessions end here. */
    async resumeSession(tokenHash: string, origin: RequestOrigin): Promise<SignedInSession | null> {
      const found = await findSessionWithUser(db, tokenHash);
      if (!found) return null;
      const now = clock.now();
      const { session, user } = found;
      if (
        session.expiresAt <= now ||
        now.getTime() - session.lastSeenAt.getTime() > idleMs ||
        user.disabled
      ) {
        await deleteSession(db, tokenHash);
        return null;
      }
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS)
        await touchSession(db, tokenHash, now);
      return {
        tokenHash,
        csrfToken: session.csrfToken,
        user: withPasswordAge(user, now),
        actor: actorOfUser(user, origin),
      };
    },

    async signOut(signedIn: SignedInSession): Promise<void> {
      await db.transaction(async (tx) => {
        await deleteSession(tx, signedIn.tokenHash);
        await recordAudit(tx, clock, signedIn.actor, {
          action: 'auth.sign_out',
          entityType: 'user',
          entityId: signedIn.user.id,
        });
      });
    },

    /** Ends every session of the signed-in user, this one included. */
    async signOutEverywhere(signedIn: SignedInSession): Promise<void> {
      await db.transaction(async (tx) => {
        await deleteSessionsOfUser(tx, signedIn.user.id);
        await recordAudit(tx, clock, signedIn.actor, {
          action: 'auth.sign_out_everywhere',
          entityType: 'user',
          entityId: signedIn.user.id,
        });
      });
    },

    /**
     * Starts (or restarts) enrolling an authenticator: a new secret, sealed in the database, shown
     * this once. Two-step verification is on only when a code from it is confirmed.
     */
    async startTotpEnrolment(signedIn: SignedInSession, currentPassword: string) {
      const user = await currentUser(signedIn);
      if (user.totpEnabledAt) throw new AppError('auth.totp_already_enabled');
      await confirmCurrentPassword(signedIn, user, currentPassword, 'wrong_password_to_enrol_totp');
      const secret = generateTotpSecret();
      const sealed = await secrets.seal(secret, user.id);
      await db.transaction(async (tx) => {
        await updateUser(tx, user.id, {
          totpSecret: sealed,
          totpEnabledAt: null,
          totpLastStep: null,
          updatedAt: clock.now(),
        });
        await recordAudit(tx, clock, signedIn.actor, {
          action: 'auth.totp_enrolment_started',
          entityType: 'user',
          entityId: user.id,
        });
      });
      return { secret, otpauthUri: totpUri(secret, TOTP_ISSUER, user.username) };
    },

    /** Turns two-step verification on with a code from the new authenticator; other sessions end. */
    async confirmTotp(signedIn: SignedInSession, code: string): Promise<User> {
      const user = await currentUser(signedIn);
      if (user.totpEnabledAt) throw new AppError('auth.totp_already_enabled');
      if (!user.totpSecret) throw new AppError('auth.totp_not_started');
      const step = matchTotp(await secrets.open(user.totpSecret, user.id), code, clock.now());
      if (step === null) {
        await recordAudit(db, clock, signedIn.actor, {
          action: 'auth.totp_confirm_failed',
          entityType: 'user',
          entityId: user.id,
        });
        throw new AppError('auth.totp_invalid');
      }
      return db.transaction(async (tx) => {
        const now = clock.now();
        const updated = await updateUser(tx, user.id, {
          totpEnabledAt: now,
          totpLastStep: step,
          updatedAt: now,
        });
        await deleteSessionsOfUser(tx, user.id, signedIn.tokenHash);
        await recordAudit(tx, clock, signedIn.actor, {
          action: 'auth.totp_enable',
          entityType: 'user',
          entityId: user.id,
        });
        return updated;
      });
    },

    /**
     * Turns two-step verification off; it takes a current code, so a stolen session alone cannot.
     * Wrong codes count as failed sign-ins: the fifth locks the account and ends its sessions.
     */
    async disableTotp(signedIn: SignedInSession, code: string): Promise<User> {
      const user = await currentUser(signedIn);
      if (!user.totpEnabledAt || !user.totpSecret) throw new AppError('auth.totp_not_enabled');
      if (!mayDisableOwnTotp(user.role)) throw new AppError('auth.totp_required_for_role');
      const step = matchTotp(await secrets.open(user.totpSecret, user.id), code, clock.now());
      if (step === null || !(await claimTotpStep(db, user.id, step))) {
        const lockedUntil = await countFailure(
          user,
          signedIn.actor,
          user.username,
          'wrong_totp_to_disable',
        );
        if (lockedUntil) {
          await deleteSessionsOfUser(db, user.id);
          throw lockedError(lockedUntil);
        }
        throw new AppError('auth.totp_invalid');
      }
      return db.transaction(async (tx) => {
        const updated = await updateUser(tx, user.id, {
          totpSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
          updatedAt: clock.now(),
        });
        await recordAudit(tx, clock, signedIn.actor, {
          action: 'auth.totp_disable',
          entityType: 'user',
          entityId: user.id,
        });
        return updated;
      });
    },

    /** Sets a new password; every other session of the user ends. */
    async changePassword(
      signedIn: SignedInSession,
      currentPassword: string,
      newPassword: string,
    ): Promise<User> {
      const { actor } = signedIn;
      const user = await currentUser(signedIn);
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        await recordAudit(db, clock, actor, {
          action: 'auth.change_password_failed',
          entityType: 'user',
          entityId: user.id,
        });
        await refuseWrongPassword(signedIn, user, 'wrong_current_password');
      }
      if (checkPassword(newPassword, user.username).length > 0)
        throw new AppError('auth.password_too_weak');
      if (currentPassword === newPassword) throw new AppError('auth.password_reused');
      const passwordHash = await hashPassword(newPassword);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const updated = await updateUser(tx, user.id, {
          passwordHash,
          mustChangePassword: false,
          passwordChangedAt: now,
          updatedAt: now,
        });
        await deleteSessionsOfUser(tx, user.id, signedIn.tokenHash);
        await recordAudit(tx, clock, actor, {
          action: 'auth.change_password',
          entityType: 'user',
          entityId: user.id,
        });
        return updated;
      });
    },

    async organizationOf(user: User) {
      const organization = await findOrganization(db, user.organizationId);
      if (!organization) throw new AppError('organization.not_found');
      return organization;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
