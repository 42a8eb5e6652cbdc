import { z } from 'zod';
import type { createUserBodySchema, updateUserBodySchema } from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { deleteSessionsOfUser } from '../auth/session.repository';
import { findDepartmentInOrganization } from '../departments/department.repository';
import { generateOneTimePassword, hashPassword } from './password';
import { findUserByUsername, findUserInOrganization, insertUser, listUsersOfOrganization, updateUser } from './user.repository';
import type { User } from './user.table';
import { toUserView } from './user.view';
import { createUserSheetService } from './user-sheet.service';

type CreateUserInput = z.output<typeof createUserBodySchema>;
type UpdateUserInput = z.output<typeof updateUserBodySchema>;

export interface UserServiceDependencies {
  db: Database;
  clock: Clock;
}

/** What an audit entry keeps of a user: never the password hash nor the (sealed) TOTP secret. */
export function auditedUser(user: User) {
  const { passwordHash: _password, totpSecret: _totp, ...rest } = user;
  return rest;
}

export function createUserService({ db, clock }: UserServiceDependencies) {
  async function assertDepartment(executor: Executor, organizationId: string, role: string, departmentId: string | null) {
    if (role === 'liaison' && !departmentId) throw new AppError('user.department_required');
    if (departmentId && !(await findDepartmentInOrganization(executor, organizationId, departmentId))) {
      throw new AppError('department.not_found');
    }
  }

  return {
    ...createUserSheetService({ db, clock }),

    async list(actor: Actor) {
      return (await listUsersOfOrganization(db, actor.organizationId)).map(toUserView);
    },

    /** Creates a user with a one-time password that must be changed at first sign-in. */
    async create(actor: Actor, input: CreateUserInput) {
      return db.transaction(async (tx) => {
        if (await findUserByUsername(tx, input.username)) throw new AppError('user.name_taken', { username: input.username });
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
        await recordAudit(tx, clock, actor, { action: 'user.create', entityType: 'user', entityId: user.id, after: auditedUser(user) });
        return { user: toUserView(user), oneTimePassword };
      });
    },

    async update(actor: Actor, userId: string, input: UpdateUserInput) {
      return db.transaction(async (tx) => {
        const before = await findUserInOrganization(tx, actor.organizationId, userId);
        if (!before) throw new AppError('user.not_found');
        const { version, ...changes } = input;
        if (version !== undefined && version !== before.version) throw new AppError('user.version_conflict', {}, [], toUserView(before));
        const role = changes.role ?? before.role;
        const departmentId = changes.departmentId === undefined ? before.departmentId : changes.departmentId;
        // An administrator cannot lock themselves out: nobody else might be left to let them back in.
        if (userId === actor.userId && (changes.disabled === true || role !== before.role)) throw new AppError('user.cannot_lock_self');
        await assertDepartment(tx, actor.organizationId, role, departmentId);
        const after = await updateUser(tx, userId, { ...changes, role, departmentId, updatedAt: clock.now() });
        if (after.disabled || after.role !== before.role) await deleteSessionsOfUser(tx, userId);
        await recordAudit(tx, clock, actor, {
          action: 'user.update',
          entityType: 'user',
          entityId: userId,
          before: auditedUser(before),
          after: auditedUser(after),
        });
        return toUserView(after);
      });
    },

    /** Signs a user of the organization out of every browser. */
    async signOutEverywhere(actor: Actor, userId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const user = await findUserInOrganization(tx, actor.organizationId, userId);
        if (!user) throw new AppError('user.not_found');
        await deleteSessionsOfUser(tx, userId);
        await recordAudit(tx, clock, actor, { action: 'user.sign_out_everywhere', entityType: 'user', entityId: userId });
      });
    },

    /** A new one-time password; the user's sessions end. */
    async resetPassword(actor: Actor, userId: string) {
      return db.transaction(async (tx) => {
        const before = await findUserInOrganization(tx, actor.organizationId, userId);
        if (!before) throw new AppError('user.not_found');
        return issueOneTimePassword(tx, clock, actor, before);
      });
    },
  };
}

export async function issueOneTimePassword(executor: Executor, clock: Clock, actor: Actor, user: User) {
  const oneTimePassword = generateOneTimePassword();
  const after = await updateUser(executor, user.id, {
    passwordHash: await hashPassword(oneTimePassword),
    mustChangePassword: true,
    failedSignIns: 0,
    lockedUntil: null,
    updatedAt: clock.now(),
  });
  await deleteSessionsOfUser(executor, user.id);
  await recordAudit(executor, clock, actor, { action: 'user.reset_password', entityType: 'user', entityId: user.id });
  return { user: toUserView(after), oneTimePassword };
}

export type UserService = ReturnType<typeof createUserService>;
