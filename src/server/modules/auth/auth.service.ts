import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { checkPassword } from '../../../shared/password-policy';
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/client';
import { findOrganization } from '../organizations/organization.repository';
import { insertAuditEntry } from '../audit/audit.repository';
import { recordAudit } from '../audit/audit.service';
import { hashPassword, spendVerificationTime, verifyPassword } from '../users/password';
import { findUserByUsername, updateUser } from '../users/user.repository';
import type { User } from '../users/user.table';
import type { Actor } from './actor';
import { deleteSession, deleteSessionsOfUser, findSessionWithUser, insertSession, touchSession } from './session.repository';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
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
  config: Pick<AppConfig, 'sessionIdleMinutes' | 'sessionMaxHours'>;
}

// Writing last_seen_at on every request would turn every read into a write.
const TOUCH_INTERVAL_MS = 60_000;

function actorFor(user: User, origin: RequestOrigin): Actor {
  return {
    userId: user.id,
    organizationId: user.organizationId,
    username: user.username,
    role: user.role,
    departmentId: user.departmentId,
    ip: origin.ip,
    userAgent: origin.userAgent,
  };
}

export function createAuthService({ db, clock, config }: AuthServiceDependencies) {
  const idleMs = config.sessionIdleMinutes * 60_000;

  return {
    /** Checks the password and opens a session; the caller sets the cookie from `token`. */
    async signIn(username: string, password: string, tokenHash: string, origin: RequestOrigin) {
      const user = await findUserByUsername(db, username);
      if (!user) {
        await spendVerificationTime(password);
        await insertAuditEntry(db, {
          action: 'auth.sign_in_failed', entityType: 'user', actorName: username.slice(0, 100),
          ip: origin.ip, userAgent: origin.userAgent, at: clock.now(), after: { reason: 'unknown_user' },
        });
        throw new AppError('auth.invalid_credentials');
      }
      const actor = actorFor(user, origin);
      if (!(await verifyPassword(user.passwordHash, password))) {
        await recordAudit(db, clock, actor, { action: 'auth.sign_in_failed', entityType: 'user', entityId: user.id, after: { reason: 'wrong_password' } });
        throw new AppError('auth.invalid_credentials');
      }
      if (user.disabled) {
        await recordAudit(db, clock, actor, { action: 'auth.sign_in_failed', entityType: 'user', entityId: user.id, after: { reason: 'disabled' } });
        throw new AppError('auth.account_disabled');
      }
      const now = clock.now();
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
        await recordAudit(tx, clock, actor, { action: 'auth.sign_in', entityType: 'user', entityId: user.id });
        return updateUser(tx, user.id, { lastSignInAt: now });
      });
      return { tokenHash, csrfToken, user: signedInUser, actor } satisfies SignedInSession;
    },

    /** The session behind a cookie, if it is still alive; idle or expired sessions end here. */
    async resumeSession(tokenHash: string, origin: RequestOrigin): Promise<SignedInSession | null> {
      const found = await findSessionWithUser(db, tokenHash);
      if (!found) return null;
      const now = clock.now();
      const { session, user } = found;
      if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > idleMs || user.disabled) {
        await deleteSession(db, tokenHash);
        return null;
      }
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchSession(db, tokenHash, now);
      return { tokenHash, csrfToken: session.csrfToken, user, actor: actorFor(user, origin) };
    },

    async signOut(signedIn: SignedInSession): Promise<void> {
      await db.transaction(async (tx) => {
        await deleteSession(tx, signedIn.tokenHash);
        await recordAudit(tx, clock, signedIn.actor, { action: 'auth.sign_out', entityType: 'user', entityId: signedIn.user.id });
      });
    },

    /** Sets a new password; every other session of the user ends. */
    async changePassword(signedIn: SignedInSession, currentPassword: string, newPassword: string): Promise<User> {
      const { user, actor } = signedIn;
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        await recordAudit(db, clock, actor, { action: 'auth.change_password_failed', entityType: 'user', entityId: user.id });
        throw new AppError('auth.invalid_credentials');
      }
      if (checkPassword(newPassword, user.username).length > 0) throw new AppError('auth.password_too_weak');
      if (currentPassword === newPassword) throw new AppError('auth.password_reused');
      const passwordHash = await hashPassword(newPassword);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const updated = await updateUser(tx, user.id, { passwordHash, mustChangePassword: false, passwordChangedAt: now, updatedAt: now });
        await deleteSessionsOfUser(tx, user.id, signedIn.tokenHash);
        await recordAudit(tx, clock, actor, { action: 'auth.change_password', entityType: 'user', entityId: user.id });
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
