import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function coordinatorOf(
  departments: {
    name: string;
    kind?: 'functional' | 'teaching' | 'other';
    aliases?: string[];
  }[] = [],
) {
  const institution = await createInstitution(t.db, departments);
  const user = await createUser(t.db, institution.organization.id, 'coordinator');
  return { ...institution, client: await signIn(t.app, user.username) };
}

describe('departments', () => {
  it('creates a department with aliases and audits it', async () => {
    const { client, organization } = await coordinatorOf();
    const created = await client.post('/api/v1/departments', {
      name: '资产管理处',
      kind: 'functional',
      aliases: ['资产处'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: '资产管理处',
      kind: 'functional',
      aliases: ['资产处'],
      version: 1,
    });
    const auditor = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'auditor')).username,
    );
    const audit = (await auditor.get('/api/v1/audit?entityType=department')).json().entries;
    expect(audit[0]).toMatchObject({
      action: 'department.create',
      entityId: created.json().id,
      after: { name: '资产管理处' },
    });
  });

  it('refuses a name that is already a department or an alias', async () => {
    const { client } = await coordinatorOf([{ name: '资产管理处', aliases: ['资产处'] }]);
    for (const name of ['资产管理处', '资产处']) {
      const response = await client.post('/api/v1/departments', { name, kind: 'functional' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toMatchObject({
        code: 'department.name_taken',
        params: { name },
      });
    }
  });

  it('refuses a stale version instead of overwriting', async () => {
    const { client, departments } = await coordinatorOf([{ name: '教务处' }]);
    const id = departments['教务处']!.id;
    const first = await client.patch(`/api/v1/departments/${id}`, {
      version: 1,
      aliases: ['教务部'],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await client.patch(`/api/v1/departments/${id}`, { version: 1, kind: 'other' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('department.version_conflict');
    const current = (await client.get('/api/v1/departments')).json();
    expect(current[0]).toMatchObject({ aliases: ['教务部'], kind: 'functional', version: 2 });
  });

  it("never shows or changes another organization's departments", async () => {
    const other = await createInstitution(t.db, [{ name: '保卫处' }]);
    const { client } = await coordinatorOf([{ name: '教务处' }]);
    expect(
      (await client.get('/api/v1/departments'))
        .json()
        .map((department: { name: string }) => department.name),
    ).toEqual(['教务处']);
    const response = await client.patch(`/api/v1/departments/${other.departments['保卫处']!.id}`, {
      version: 1,
      name: '偷改',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('department.not_found');
  });

  it('lets a liaison read departments but not change them', async () => {
    const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
    const liaison = await createUser(t.db, organization.id, 'liaison', {
      departmentId: departments['教务处']!.id,
    });
    const client = await signIn(t.app, liaison.username);
    expect((await client.get('/api/v1/departments')).statusCode).toBe(200);
    const response = await client.post('/api/v1/departments', {
      name: '新部门',
      kind: 'functional',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('auth.forbidden');
  });
});
