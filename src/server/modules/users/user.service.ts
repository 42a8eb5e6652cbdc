import { queueMessages } from '../notifications/notification.outbox';
import type { z } from 'zod';
import type { createUserBodySchema, updateUserBodySchema } from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import { contactsFor } from '../../../shared/personal-data';
import { roleFitsOrganization } from '../../../shared/oversight/organization-roles';
import { indispensableRoles, mayGrantRole, mayManageAccount } from '../../../shared/powers';
import type { Role } from '../../../shared/roles';
import { roleWord } from '../../../shared/users/user-sheet';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import type { ViewCache } from '../data-versions/view-cache';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { deleteSessionsOfUser } from '../auth/session.repository';
import { findDepartmentInOrganization } from '../departments/department.repository';
import { findOrganization } from '../organizations/organization.repository';
import { generateOneTimePassword, hashPassword } from './password';
import {
  countActiveUsersWithRole,
  findUserByUsername,
  findUserInOrganization,
  insertUser,
  latestSignInOf,
  listUsersOfOrganization,
  lockAccountsOf,
  updateUser,
} from './user.repository';
import type { User } from './user.table';
import { toUserView } from './user.view';
import { createUserSheetService } from './user-sheet.service';

type CreateUserInput = z.output<typeof createUserBodySchema>;
type UpdateUserInput = z.output<typeof updateUserBodySchema>;

export interface UserServiceDependencies {
  db: Database;
  clock: Clock;
  /** Keeps the list until the organization's next write (the CLI reads it fresh). */
  views?: ViewCache;
}

/** What an audit entry keeps of a user: never the password hash nor the (sealed) TOTP secret. */
export function auditedUser(user: User) {
  const { passwordHash: _password, totpSecret: _totp, ...rest } = user;
  return rest;
}

/** Refused unless `actor` may give `role` (三权分立: privileged roles only by a security admin). */
export function assertMayGrantRole(actor: Actor, role: Role): void {
  if (!mayGrantRole(actor.role, role))
    throw new AppError('user.role_forbidden', { role: roleWord(role) });
}

/** Refused unless `role` belongs in the actor's organization: an overseer in a supervising one, every other role in an institution. */
export async function assertRoleFitsOrganization(
  executor: Executor,
  actor: Actor,
  roles: Iterable<Role>,
): Promise<void> {
  const organization = await findOrganization(executor, actor.organizationId);
  if (!organization) throw new AppError('organization.not_found');
  for (const role of roles)
    if (!roleFitsOrganization(role, organization.kind))
      throw new AppError('oversight.role_mismatch');
}

/** Refused unless `actor` may manage `user`'s account (a system admin: business accounts only). */
function assertMayManage(actor: Actor, user: User): void {
  if (!mayManageAccount(actor.role, user.role))
    throw new AppError('user.privileged_account', {
      username: user.username,
      role: roleWord(user.role),
    });
}

/** A user as `actor` sees them in 用户管理: contacts masked for roles that do not need them. */
function userViewFor(actor: Actor, user: User) {
  return contactsFor(actor.role, 'userAccount', toUserView(user));
}

/** The account of the organization, or user.not_found; locked for the transaction. */
async function accountOf(executor: Executor, actor: Actor, userId: string): Promise<User> {
  const user = await findUserInOrganization(executor, actor.organizationId, userId, {
    forUpdate: true,
  });
  if (!user) throw new AppError('user.not_found');
  return user;
}

export function createUserService({ db, clock, views }: UserServiceDependencies) {
  async function assertDepartment(
    executor: Executor,
    organizationId: string,
    role: string,
    departmentId: string | null,
  ) {
    if (role === 'liaison' && !departmentId) throw new AppError('user.department_required');
    if (
      departmentId &&
      !(await findDepartmentInOrganization(executor, organizationId, departmentId))
    ) {
      throw new AppError('department.not_found');
    }
  }

  return {
    ...createUserSheetService({ db, clock }),

    /**
     * Every account of the organization, its contacts as the reader's role may see them; kept per
     * role until the next write (a lockout and an unlock write the user's row) or the next
     * sign-in, which raises no data version (migration 0031) and so is part of the key.
     */
    async list(actor: Actor) {
      const compute = async () =>
        (await listUsersOfOrganization(db, actor.organizationId)).map((user) =>
          userViewFor(actor, user),
        );
      if (!views) return compute();
      const latestSignIn = (await latestSignInOf(db, actor.organizationId))?.toISOString() ?? '';
      return views.read(actor.organizationId, `users.list/${actor.role}/${latestSignIn}`, compute);
    },

    /** Creates a user with a one-time password that must be changed at first sign-in. */
    async create(actor: Actor, input: CreateUserInput) {
      assertMayGrantRole(actor, input.role);
      return db.transaction(async (tx) => {
        if (await findUserByUsername(tx, input.username))
          throw new AppError('user.name_taken', { username: input.username });
        await assertRoleFitsOrganization(tx, actor, [input.role]);
        await assertDepartment(tx, actor.organizationId, input.role, input.departmentId);
        const oneTimePassword = generateOneTimePassword();
        const user = await insertUser(tx, {
          organizationId: actor.organizationId,
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          departmentId: input.departmentId,
          email: input.email,
          phone: input.phone,
          passwordHash: await hashPassword(oneTimePassword),
          mustChangePassword: true,
        });
        await queueMessages(tx, clock, {
          organizationId: actor.organizationId,
          kind: 'account.created',
          eventKey: user.id,
          to: { userIds: [user.id] },
          departmentId: user.departmentId,
          facts: { username: user.username },
        });
        await recordAudit(tx, clock, actor, {
          action: 'user.create',
          entityType: 'user',
          entityId: user.id,
          after: auditedUser(user),
        });
        return { user: toUserView(user), oneTimePassword };
      });
    },

    async update(actor: Actor, userId: string, input: UpdateUserInput) {
      return db.transaction(async (tx) => {
        await lockAccountsOf(tx, actor.organizationId);
        const before = await accountOf(tx, actor, userId);
        const { version, ...changes } = input;
        if (version !== undefined && version !== before.version)
          throw new AppError('user.version_conflict', {}, [], userViewFor(actor, before));
        const role = changes.role ?? before.role;
        const departmentId =
          changes.departmentId === undefined ? before.departmentId : changes.departmentId;
        // Nobody changes their own role, nor locks themselves out: nobody else might be left to let them back in.
        if (userId === actor.userId && (changes.disabled === true || role !== before.role))
          throw new AppError('user.cannot_lock_self');
        // Anyone who may edit users keeps their own contact details up to date (their role and state stay as they are).
        if (userId !== actor.userId) assertMayManage(actor, before);
        if (role !== before.role) {
          assertMayGrantRole(actor, role);
          await assertRoleFitsOrganization(tx, actor, [role]);
        }
        await assertDepartment(tx, actor.organizationId, role, departmentId);
        const leaving = !before.disabled && (changes.disabled === true || role !== before.role);
        if (
          leaving &&
          indispensableRoles.includes(before.role) &&
          (await countActiveUsersWithRole(tx, actor.organizationId, before.role, userId)) === 0
        ) {
          throw new AppError('user.last_of_role', {
            username: before.username,
            role: roleWord(before.role),
          });
        }
        const after = await updateUser(tx, userId, {
          ...changes,
          role,
          departmentId,
          updatedAt: clock.now(),
        });
        if (after.disabled || after.role !== before.role) await deleteSessionsOfUser(tx, userId);
        await recordAudit(tx, clock, actor, {
          action: role !== before.role ? 'user.role_change' : 'user.update',
          entityType: 'user',
          entityId: userId,
          before: auditedUser(before),
          after: auditedUser(after),
        });
        return userViewFor(actor, after);
      });
    },

    /** Signs a user of the organization out of every browser. */
    async signOutEverywhere(actor: Actor, userId: string): Promise<void> {
      await db.transaction(async (tx) => {
        assertMayManage(actor, await accountOf(tx, actor, userId));
        await deleteSessionsOfUser(tx, userId);
        await recordAudit(tx, clock, actor, {
          action: 'user.sign_out_everywhere',
          entityType: 'user',
          entityId: userId,
        });
      });
    },

    /** A new one-time password; the user's sessions end. */
    async resetPassword(actor: Actor, userId: string) {
      return db.transaction(async (tx) => {
        const before = await accountOf(tx, actor, userId);
        assertMayManage(actor, before);
        const issued = await issueOneTimePassword(tx, clock, actor, before);
        return { ...issued, user: contactsFor(actor.role, 'userAccount', issued.user) };
      });
    },

    /** Lets a locked account sign in again now (the security admin's, audited); the failure count starts again. */
    async unlock(actor: Actor, userId: string) {
      return db.transaction(async (tx) => {
        const before = await accountOf(tx, actor, userId);
        assertMayManage(actor, before);
        if (!before.lockedUntil || before.lockedUntil <= clock.now())
          throw new AppError('user.not_locked');
        const after = await updateUser(tx, userId, {
          failedSignIns: 0,
          lockedUntil: null,
          updatedAt: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'user.unlock',
          entityType: 'user',
          entityId: userId,
          before: {
            lockedUntil: before.lockedUntil.toISOString(),
            failedSignIns: before.failedSignIns,
          },
        });
        return userViewFor(actor, after);
      });
    },

    /**
     * Removes another user's authenticator (lost phone): their sessions end and they sign in with
     * the password alone; a role that requires two-step verification must enrol again before anything else.
     */
    async resetTotp(actor: Actor, userId: string) {
      if (userId === actor.userId) throw new AppError('user.cannot_reset_own_totp');
      return db.transaction(async (tx) => {
        const before = await accountOf(tx, actor, userId);
        assertMayManage(actor, before);
        if (!before.totpSecret && !before.totpEnabledAt)
          throw new AppError('user.totp_not_enabled');
        const after = await updateUser(tx, userId, {
          totpSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
          updatedAt: clock.now(),
        });
        await deleteSessionsOfUser(tx, userId);
        await recordAudit(tx, clock, actor, {
          action: 'user.reset_totp',
          entityType: 'user',
          entityId: userId,
          before: { totpEnabledAt: before.totpEnabledAt?.toISOString() ?? null },
        });
        return userViewFor(actor, after);
      });
    },
  };
}

export async function issueOneTimePassword(
  executor: Executor,
  clock: Clock,
  actor: Actor,
  user: User,
) {
  const oneTimePassword = generateOneTimePassword();
  const after = await updateUser(executor, user.id, {
    passwordHash: await hashPassword(oneTimePassword),
    mustChangePassword: true,
    failedSignIns: 0,
    lockedUntil: null,
    updatedAt: clock.now(),
  });
  await deleteSessionsOfUser(executor, user.id);
  await recordAudit(executor, clock, actor, {
    action: 'user.reset_password',
    entityType: 'user',
    entityId: user.id,
  });
  return { user: toUserView(after), oneTimePassword };
}

export type UserService = ReturnType<typeof createUserService>;
