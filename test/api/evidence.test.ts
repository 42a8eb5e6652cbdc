import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evidenceBlobs,
  evidence as evidenceTable,
} from '../../src/server/modules/evidence/evidence.table';
import { assertEvidenceUsable } from '../../src/server/modules/evidence/evidence.service';
import type { Actor } from '../../src/server/modules/auth/actor';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import type { EvidenceView } from '../../src/shared/api/evidence';
import {
  samplePdf,
  sampleOffice,
  samplePng,
  sampleJpeg,
  sampleGif,
  sampleWebp,
} from '../support/evidence-files';
import { writeZip } from '../support/zip-writer';
import {
  createInstitution,
  createTestApp,
  createUser,
  multipartFile,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

const UPLOAD_LIMIT = 256 * 1024;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { uploadMaxBytes: UPLOAD_LIMIT } });
});
afterAll(async () => t.close());

async function institution() {
  const { organization, departments } = await createInstitution(t.db, [
    { name: '教务处' },
    { name: '人事处' },
  ]);
  const coordinatorUser = await createUser(t.db, organization.id, 'coordinator');
  const coordinator = await signIn(t.app, coordinatorUser.username);
  const academicUser = await createUser(t.db, organization.id, 'liaison', {
    departmentId: departments['教务处']!.id,
  });
  const academic = await signIn(t.app, academicUser.username);
  const personnel = await signIn(
    t.app,
    (
      await createUser(t.db, organization.id, 'liaison', {
        departmentId: departments['人事处']!.id,
      })
    ).username,
  );
  const leader = await signIn(t.app, (await createUser(t.db, organization.id, 'leader')).username);
  return { organization, departments, coordinator, academic, academicUser, personnel, leader };
}

async function upload(client: SignedInClient, fileName: string, bytes: Buffer, query = '') {
  const { payload, headers } = multipartFile(fileName, bytes);
  return client.request({ method: 'POST', url: `/api/v1/evidence${query}`, payload, headers });
}

describe('uploading evidence', () => {
  it('accepts every allowed type, typed by content, under a sanitized name', async () => {
    const { academic, departments } = await institution();
    const cases: [string, Buffer, string, string][] = [
      ['会议纪要.pdf', samplePdf(), 'application/pdf', '会议纪要.pdf'],
      [
        '方案.docx',
        sampleOffice('docx'),
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        '方案.docx',
      ],
      [
        '统计.xlsx',
        sampleOffice('xlsx'),
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        '统计.xlsx',
      ],
      [
        '汇报.pptx',
        sampleOffice('pptx'),
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        '汇报.pptx',
      ],
      ['现场照片.PNG', samplePng(), 'image/png', '现场照片.PNG'],
      ['photo.jpeg', sampleJpeg(), 'image/jpeg', 'photo.jpeg'],
      ['动图.gif', sampleGif(), 'image/gif', '动图.gif'],
      ['banner.webp', sampleWebp(), 'image/webp', 'banner.webp'],
      [
        '说明.txt',
        Buffer.from('第一次专题学习会，参加 45 人。\n'),
        'text/plain; charset=utf-8',
        '说明.txt',
      ],
      [
        '记录.txt',
        Buffer.from([0xb5, 0xda, 0xd2, 0xbb, 0xb4, 0xce, 0x0a]),
        'text/plain; charset=gb18030',
        '记录.txt',
      ],
      // No extension, or a path, or odd characters: stored under a clean name ending as the content is.
      ['scan', samplePdf('no extension'), 'application/pdf', 'scan.pdf'],
      [
        'C:\\Users\\王\\Desktop\\总结<终稿>.pdf',
        samplePdf('path'),
        'application/pdf',
        '总结_终稿_.pdf',
      ],
      ['..\u202e..txt', Buffer.from('plain'), 'text/plain; charset=utf-8', 'txt.txt'],
      ['...', Buffer.from('plain too'), 'text/plain; charset=utf-8', '佐证材料.txt'],
    ];
    for (const [name, bytes, mediaType, title] of cases) {
      const response = await upload(academic, name, bytes);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(201);
      const view: EvidenceView = response.json();
      expect(view).toMatchObject({
        kind: 'file',
        mediaType,
        title,
        sizeBytes: bytes.length,
        departmentId: departments['教务处']!.id,
        url: null,
      });
      expect(view.contentUrl).toBe(`/api/v1/evidence/${view.id}/content`);
    }
  });

  it('refuses executables, web pages, SVG, legacy Office, other types, a wrong name, an oversize file and a zip bomb', async () => {
    const { academic, organization } = await institution();
    const refusals: [string, Buffer, number, string][] = [
      [
        '报告.pdf',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
        415,
        'evidence.executable',
      ],
      ['setup.exe', Buffer.from('just text'), 415, 'evidence.executable'],
      ['run.txt', Buffer.from('#!/bin/sh\nrm -rf /\n'), 415, 'evidence.executable'],
      [
        'tool.bin',
        Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64)]),
        415,
        'evidence.executable',
      ],
      [
        '新闻.html',
        Buffer.from('<!DOCTYPE html><html><body>新闻</body></html>'),
        415,
        'evidence.active_content',
      ],
      [
        '新闻.txt',
        Buffer.from('<html><script>alert(1)</script></html>'),
        415,
        'evidence.active_content',
      ],
      [
        'logo.svg',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        415,
        'evidence.active_content',
      ],
      [
        'logo.png',
        Buffer.from(
          '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        ),
        415,
        'evidence.active_content',
      ],
      [
        '旧版.doc',
        Buffer.concat([
          Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
          Buffer.alloc(512),
        ]),
        415,
        'import.legacy_office',
      ],
      ['照片.pdf', samplePng(), 415, 'evidence.type_mismatch'],
      [
        '材料.zip',
        writeZip([{ name: 'a.txt', data: Buffer.from('a') }]),
        415,
        'evidence.unsupported_type',
      ],
      [
        '宏.docm',
        sampleOffice('docx', [{ name: 'word/vbaProject.bin', data: Buffer.from('macro') }]),
        415,
        'evidence.unsupported_type',
      ],
      [
        'data.bin',
        Buffer.from([0x00, 0x01, 0x02, 0x03, 0x00, 0xff, 0xfe, 0x00]),
        415,
        'evidence.unsupported_type',
      ],
      ['空.pdf', Buffer.alloc(0), 400, 'evidence.empty_file'],
      [
        '大.pdf',
        Buffer.concat([samplePdf(), Buffer.alloc(UPLOAD_LIMIT + 1, 0x20)]),
        413,
        'request.too_large',
      ],
      [
        '炸弹.docx',
        sampleOffice('docx', [
          { name: 'word/media/zeros.bin', data: Buffer.alloc(60 * 1024 * 1024) },
        ]),
        413,
        'import.zip_bomb',
      ],
    ];
    for (const [name, bytes, status, code] of refusals) {
      const response = await upload(academic, name, bytes);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
      expect(response.json().error.code, name).toBe(code);
    }
    const executable = await upload(
      academic,
      '报告.pdf',
      Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
    );
    expect(executable.json().error.message).toContain('可执行程序');
    const svg = multipartFile('logo.svg', Buffer.from('<svg/>'));
    const english = await academic.request({
      method: 'POST',
      url: '/api/v1/evidence',
      payload: svg.payload,
      headers: { ...svg.headers, 'accept-language': 'en' },
    });
    expect(english.statusCode).toBe(415);
    expect(english.json().error.message).toContain('SVG images cannot be uploaded');
    // Nothing of any refusal was kept.
    expect(
      await t.db
        .select()
        .from(evidenceTable)
        .where(eq(evidenceTable.organizationId, organization.id)),
    ).toEqual([]);
    expect(existsSync(path.join(t.config.evidenceDir, organization.id))).toBe(false);
  });

  it('stores the same content once per organization, on disk under its sha256', async () => {
    const { academic, personnel, coordinator, organization } = await institution();
    const bytes = samplePdf('the same minutes');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const first: EvidenceView = (await upload(academic, '纪要.pdf', bytes)).json();
    const second: EvidenceView = (await upload(personnel, '人事处纪要.pdf', bytes)).json();
    const third: EvidenceView = (await upload(coordinator, '纪要副本.pdf', bytes)).json();
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    expect(third.departmentId).toBeNull();
    const blobs = await t.db
      .select()
      .from(evidenceBlobs)
      .where(eq(evidenceBlobs.organizationId, organization.id));
    expect(blobs).toMatchObject([
      { sha256: sha, sizeBytes: bytes.length, mediaType: 'application/pdf' },
    ]);
    const folder = path.join(t.config.evidenceDir, organization.id, sha.slice(0, 2));
    expect(readdirSync(folder)).toEqual([sha]);
    // Another organization uploading the same bytes gets a blob of its own.
    const other = await institution();
    await upload(other.academic, 'x.pdf', bytes);
    expect(
      existsSync(path.join(t.config.evidenceDir, other.organization.id, sha.slice(0, 2), sha)),
    ).toBe(true);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.organizationId, organization.id), eq(auditLog.action, 'evidence.upload')),
      );
    expect(audit).toHaveLength(3);
  });
});

describe('downloading evidence', () => {
  it('sends the file as an attachment with its UTF-8 name, its type, nosniff and a sandbox', async () => {
    const { academic } = await institution();
    const bytes = samplePdf('download me');
    const view: EvidenceView = (await upload(academic, "师德 (终稿)'s.pdf", bytes)).json();
    const response = await academic.get(view.contentUrl!);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename=evidence.pdf; filename*=UTF-8''%E5%B8%88%E5%BE%B7%20%28%E7%BB%88%E7%A8%BF%29%27s.pdf`,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toMatch(/^sandbox/);
    const text: EvidenceView = (
      await upload(academic, 'notes.log', Buffer.from('plain words'))
    ).json();
    expect(text.title).toBe('notes.log.txt');
    const plain = await academic.get(text.contentUrl!);
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(plain.headers['content-disposition']).toBe('attachment; filename=notes.log.txt');
  });

  it("lets the coordinator, admin and leaders read everything, a liaison only their department's, another organization nothing", async () => {
    const { academic, personnel, coordinator, leader, organization, departments, academicUser } =
      await institution();
    const mine: EvidenceView = (await upload(academic, '教务处.pdf', samplePdf('academic'))).json();
    const forPersonnel: EvidenceView = (
      await upload(
        coordinator,
        '给人事处.pdf',
        samplePdf('for personnel'),
        `?departmentId=${departments['人事处']!.id}`,
      )
    ).json();
    expect(forPersonnel.departmentId).toBe(departments['人事处']!.id);
    expect((await coordinator.get(mine.contentUrl!)).statusCode).toBe(200);
    expect((await leader.get(mine.contentUrl!)).statusCode).toBe(200);
    expect((await personnel.get(forPersonnel.contentUrl!)).statusCode).toBe(200);
    const refused = await personnel.get(mine.contentUrl!);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('evidence.not_found');
    expect((await academic.get(forPersonnel.contentUrl!)).statusCode).toBe(404);
    expect((await personnel.get(`/api/v1/evidence?ids=${mine.id}`)).json().error.code).toBe(
      'evidence.not_found',
    );
    const listed = await coordinator.get(`/api/v1/evidence?ids=${forPersonnel.id},${mine.id}`);
    expect(listed.json().items.map((item: EvidenceView) => item.title)).toEqual([
      '给人事处.pdf',
      '教务处.pdf',
    ]);
    // A liaison may not file evidence under another department.
    expect(
      (
        await upload(
          academic,
          'x.pdf',
          samplePdf('x'),
          `?departmentId=${departments['人事处']!.id}`,
        )
      ).statusCode,
    ).toBe(403);

    const stranger = await institution();
    expect((await stranger.coordinator.get(mine.contentUrl!)).statusCode).toBe(404);
    expect((await stranger.coordinator.get(`/api/v1/evidence?ids=${mine.id}`)).statusCode).toBe(
      404,
    );

    const actor = (
      user: { id: string; username: string; role: Actor['role']; departmentId: string | null },
      organizationId: string,
    ): Actor => ({
      userId: user.id,
      organizationId,
      username: user.username,
      role: user.role,
      departmentId: user.departmentId,
      ip: null,
      userAgent: null,
    });
    const academicActor = actor(academicUser, organization.id);
    expect(
      (await assertEvidenceUsable(t.db, academicActor, [mine.id, mine.id])).map(
        (record) => record.id,
      ),
    ).toEqual([mine.id]);
    await expect(
      assertEvidenceUsable(t.db, academicActor, [mine.id, forPersonnel.id]),
    ).rejects.toMatchObject({ code: 'evidence.not_found' });
    await expect(
      assertEvidenceUsable(
        t.db,
        { ...academicActor, organizationId: stranger.organization.id, role: 'coordinator' },
        [mine.id],
      ),
    ).rejects.toMatchObject({ code: 'evidence.not_found' });
    expect(
      await assertEvidenceUsable(
        t.db,
        { ...academicActor, role: 'coordinator', departmentId: null },
        [forPersonnel.id, mine.id],
      ),
    ).toHaveLength(2);
  });
});

describe('links as evidence', () => {
  it('keeps http(s) links with a title and refuses anything else', async () => {
    const { academic, departments } = await institution();
    const created = await academic.post('/api/v1/evidence/links', {
      title: '学校新闻网报道',
      url: 'https://news.example.edu.cn/2024/0520.html',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'link',
      title: '学校新闻网报道',
      url: 'https://news.example.edu.cn/2024/0520.html',
      contentUrl: null,
      mediaType: null,
      departmentId: departments['教务处']!.id,
    });
    expect((await academic.get(`/api/v1/evidence/${created.json().id}/content`)).statusCode).toBe(
      404,
    );
    for (const url of [
      'javascript:alert(1)',
      'ftp://example.com/a',
      'news.example.edu.cn',
      'https://user:pw@example.com/',
      'data:text/html,<script>',
    ]) {
      const response = await academic.post('/api/v1/evidence/links', { title: '链接', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe('evidence.bad_url');
    }
    expect(
      (
        await academic.post('/api/v1/evidence/links', { title: '', url: 'https://example.com' })
      ).json().error.issues[0].path,
    ).toBe('body.title');
  });
});
