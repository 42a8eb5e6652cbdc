import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConclusionView,
  ModerationView,
  RatingScaleView,
  SummaryList,
} from '../../src/shared/api/conclusion';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { listPlanAssignmentTargets } from '../../src/server/modules/breakdowns/breakdown.repository';
import {
  listInstitutionRatings,
  readConclusionFrame,
} from '../../src/server/modules/conclusion/conclusion.repository';
import { listDeliverables } from '../../src/server/modules/plans/plan.repository';
import { plans } from '../../src/server/modules/plans/plan.table';
import {
  listIndicatorsOfStandard,
  listItemsOfStandard,
} from '../../src/server/modules/standards/standard.repository';
import {
  createTestApp,
  type SignedInClient,
  type TestApp,
  institutionWithSeedPlan,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function institutionWithPlan() {
  const { organization, coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
  const actions = async () =>
    (
      await t.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.organizationId, organization.id))
        .orderBy(auditLog.id)
    ).map((row) => row.action);
  return { organization, coordinator, planId, idOf, liaisonOf, actions };
}

const put = (client: SignedInClient, url: string, payload: unknown) =>
  client.request({ method: 'PUT', url, payload: payload as object });

async function link(client: SignedInClient, title: string): Promise<string> {
  const response = await client.post('/api/v1/evidence/links', {
    title,
    url: 'https://example.edu.cn/news/1',
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

const summaryText = {
  highlights: '建立“工会+思政”工作机制',
  results: '全年开展关爱活动 12 次，覆盖教师 800 人次',
  cases: '青年教师成长营案例',
};

describe("a department's summary and self-assessment", () => {
  it('lists the items it answers for with their focus, and says what to do next', async () => {
    const { planId, idOf, liaisonOf } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const view: ConclusionView = (
      await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('工会')}`)
    ).json();
    expect(view.items.map((item) => item.no)).toEqual([8, 39]);
    expect(view.items[0]!.focus.length).toBeGreaterThan(0);
    expect(view.items[1]).toMatchObject({
      role: 'lead',
      mine: null,
      institution: null,
      level2: { title: '强化关心关爱' },
    });
    expect(view.scale.map((level) => level.label)).toEqual(['达标', '基本达标', '未达标']);
    expect(view).toMatchObject({
      next: 'write_summary',
      rated: 0,
      summary: { status: 'not_started', version: 0 },
    });
  });

  it('keeps a liaison to their own department and to the items it answers for', async () => {
    const { planId, idOf, liaisonOf, coordinator } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    expect(
      (await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('教务处')}`)).statusCode,
    ).toBe(403);
    expect(
      (
        await put(union, `/api/v1/plans/${planId}/conclusion/${idOf('教务处')}/summary`, {
          version: 0,
          ...summaryText,
        })
      ).statusCode,
    ).toBe(403);
    const academic: ConclusionView = (
      await coordinator.get(`/api/v1/plans/${planId}/conclusion/${idOf('教务处')}`)
    ).json();
    const item18 = academic.items.find((item) => item.no === 18)!;
    const notMine = await put(
      union,
      `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${item18.id}`,
      { version: 0, rating: '达标', justification: '已落实' },
    );
    expect(notMine.statusCode).toBe(422);
    expect(notMine.json().error).toMatchObject({
      code: 'selfAssessment.not_assigned',
      params: { no: 18 },
    });
    expect((await union.get(`/api/v1/plans/${planId}/moderation`)).statusCode).toBe(403);
    expect((await union.get(`/api/v1/plans/${planId}/summaries`)).statusCode).toBe(403);

    const other = await institutionWithPlan();
    expect(
      (await coordinator.get(`/api/v1/plans/${other.planId}/conclusion/${other.idOf('工会')}`))
        .statusCode,
    ).toBe(404);
  });

  it('versions the summary: a stale save is refused with the current text, never overwritten', async () => {
    const { planId, idOf, liaisonOf } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const url = `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/summary`;
    const first: ConclusionView = (
      await put(union, url, { version: 0, ...summaryText, cases: '' })
    ).json();
    expect(first.summary).toMatchObject({
      status: 'draft',
      version: 1,
      highlights: summaryText.highlights,
    });
    expect(first.next).toBe('write_summary');

    const stale = await put(union, url, {
      version: 0,
      ...summaryText,
      highlights: '另一台电脑上的内容',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'summary.version_conflict',
      params: { version: 1 },
      current: { highlights: summaryText.highlights, version: 1 },
    });

    const second: ConclusionView = (await put(union, url, { version: 1, ...summaryText })).json();
    expect(second.summary.version).toBe(2);
    expect(second.next).toBe('rate_items');
    const bad = await put(union, url, { version: 2, ...summaryText, evidenceIds: ['not-a-uuid'] });
    expect(bad.statusCode).toBe(400);
    const unknownEvidence = await put(union, url, {
      version: 2,
      ...summaryText,
      evidenceIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknownEvidence.json().error.code).toBe('evidence.not_found');
    expect(
      (await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('工会')}`)).json().summary
        .version,
    ).toBe(2);
  });

  it('rates each item on the scale with a justification and evidence, then submits; the office returns it', async () => {
    const { planId, idOf, liaisonOf, coordinator, actions } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/conclusion/${idOf('工会')}`;
    let view: ConclusionView = (await union.get(base)).json();
    const [item8, item39] = view.items as [
      ConclusionView['items'][number],
      ConclusionView['items'][number],
    ];

    const offScale = await put(union, `${base}/items/${item8.id}`, {
      version: 0,
      rating: '优秀',
      justification: '很好',
    });
    expect(offScale.json().error).toMatchObject({
      code: 'selfAssessment.unknown_rating',
      params: { levels: '达标、基本达标、未达标' },
    });
    const noReason = await put(union, `${base}/items/${item8.id}`, {
      version: 0,
      rating: '达标',
      justification: '  ',
    });
    expect(noReason.json().error.issues[0].path).toBe('body.justification');

    const evidence = await link(union, '工会年度计划');
    view = (
      await put(union, `${base}/items/${item8.id}`, {
        version: 0,
        rating: '达标',
        justification: '年度计划已纳入思政内容',
        evidenceIds: [evidence],
      })
    ).json();
    expect(view.items[0]!.mine).toMatchObject({
      rating: '达标',
      score: 100,
      evidenceIds: [evidence],
      version: 1,
    });
    const stale = await put(union, `${base}/items/${item8.id}`, {
      version: 0,
      rating: '未达标',
      justification: 'x',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'selfAssessment.version_conflict',
      current: { rating: '达标' },
    });

    const early = await union.post(`${base}/submit`);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toContain('亮点、成效、典型案例');
    expect(early.json().error.message).toContain('39');
    const earlyInEnglish = await union.request({
      method: 'POST',
      url: `${base}/submit`,
      headers: { 'accept-language': 'en' },
    });
    expect(earlyInEnglish.json().error.message).toBe(
      'Not ready to submit: the summary has no highlights, results, typical cases yet; 1 item has no self-assessment yet (39).',
    );
    expect(earlyInEnglish.json().error.params.missing).not.toMatch(/[\u4e00-\u9fff]/);

    await put(union, `${base}/summary`, { version: 0, ...summaryText, evidenceIds: [evidence] });
    view = (
      await put(union, `${base}/items/${item39.id}`, {
        version: 0,
        rating: '基本达标',
        justification: '民生清单已建立，验收尚未完成',
      })
    ).json();
    expect(view).toMatchObject({ rated: 2, next: 'submit' });
    view = (await union.post(`${base}/submit`)).json();
    expect(view).toMatchObject({ next: 'submitted', summary: { status: 'submitted' } });

    const locked = await put(union, `${base}/items/${item39.id}`, {
      version: 1,
      rating: '达标',
      justification: '已完成',
    });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error.code).toBe('summary.locked');
    expect(
      (await put(union, `${base}/summary`, { version: 2, ...summaryText })).json().error.code,
    ).toBe('summary.locked');
    expect((await union.post(`${base}/return`, { comment: '请补充案例' })).statusCode).toBe(403);

    const list: SummaryList = (await coordinator.get(`/api/v1/plans/${planId}/summaries`)).json();
    expect(list.rows.find((row) => row.department.name === '工会')).toMatchObject({
      status: 'submitted',
      itemCount: 2,
      rated: 2,
    });

    view = (
      await coordinator.post(`${base}/return`, { comment: '请补充典型案例的成效数据' })
    ).json();
    expect(view).toMatchObject({
      next: 'returned',
      summary: { status: 'returned', returnComment: '请补充典型案例的成效数据' },
    });
    const corrected = await put(union, `${base}/items/${item39.id}`, {
      version: 1,
      rating: '达标',
      justification: '验收已完成',
    });
    expect(corrected.statusCode).toBe(200);
    // The save answers the view a reader then reads: this item's rating changed, the other's kept.
    const answered: ConclusionView = corrected.json();
    expect(
      answered.items.map((entry) => [entry.id, entry.mine?.rating, entry.mine?.version]),
    ).toEqual([
      [item8.id, '达标', 1],
      [item39.id, '达标', 2],
    ]);
    expect(answered).toEqual((await union.get(base)).json());

    expect(
      (await actions()).filter((action) => /^(summary|self_assessment)\./.test(action)),
    ).toEqual([
      'self_assessment.create',
      'summary.create',
      'self_assessment.create',
      'summary.submit',
      'summary.return',
      'self_assessment.update',
    ]);
  });
});

describe('the rating scale', () => {
  it("is the coordinator's to change until the first rating, then fixed", async () => {
    const { planId, idOf, liaisonOf, coordinator, actions } = await institutionWithPlan();
    const url = `/api/v1/plans/${planId}/rating-scale`;
    expect((await coordinator.get(url)).json()).toMatchObject({
      custom: false,
      locked: false,
      version: 0,
    });
    const duplicate = await put(coordinator, url, {
      version: 0,
      levels: [
        { label: '好', score: 100 },
        { label: '好', score: 50 },
      ],
    });
    expect(duplicate.statusCode).toBe(400);
    const union = await liaisonOf('工会');
    expect(
      (
        await put(union, url, {
          version: 0,
          levels: [
            { label: '好', score: 100 },
            { label: '差', score: 0 },
          ],
        })
      ).statusCode,
    ).toBe(403);

    const levels = [
      { label: '优秀', score: 100 },
      { label: '良好', score: 80 },
      { label: '合格', score: 60 },
      { label: '不合格', score: 0 },
    ];
    const set: RatingScaleView = (await put(coordinator, url, { version: 0, levels })).json();
    expect(set).toMatchObject({ custom: true, locked: false, version: 1, levels });
    expect((await put(coordinator, url, { version: 0, levels })).json().error.code).toBe(
      'ratingScale.version_conflict',
    );

    const view: ConclusionView = (
      await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('工会')}`)
    ).json();
    expect(view.scale.map((level) => level.label)).toEqual(['优秀', '良好', '合格', '不合格']);
    expect(
      (
        await put(
          union,
          `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${view.items[0]!.id}`,
          { version: 0, rating: '达标', justification: 'x' },
        )
      ).json().error.code,
    ).toBe('selfAssessment.unknown_rating');
    expect(
      (
        await put(
          union,
          `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${view.items[0]!.id}`,
          { version: 0, rating: '良好', justification: '已纳入年度计划' },
        )
      ).statusCode,
    ).toBe(200);

    const late = await put(coordinator, url, { version: 1, levels: levels.slice(0, 2) });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('ratingScale.in_use');
    expect((await coordinator.get(url)).json()).toMatchObject({ locked: true, version: 1, levels });
    expect((await actions()).filter((action) => action === 'rating_scale.set')).toHaveLength(1);
  });
});

describe('moderation by the coordinating office', () => {
  it("shows every responsible department's rating side by side, takes the institution's rating and rolls it up", async () => {
    const { planId, idOf, liaisonOf, coordinator, actions } = await institutionWithPlan();
    const union = await liaisonOf('工会');
    const academic = await liaisonOf('教务处');
    const unionView: ConclusionView = (
      await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('工会')}`)
    ).json();
    const item8 = unionView.items[0]!;
    await put(union, `/api/v1/plans/${planId}/conclusion/${idOf('工会')}/items/${item8.id}`, {
      version: 0,
      rating: '达标',
      justification: '工会计划已落实',
    });
    await put(academic, `/api/v1/plans/${planId}/conclusion/${idOf('教务处')}/items/${item8.id}`, {
      version: 0,
      rating: '基本达标',
      justification: '课程思政尚在推进',
    });

    let view: ModerationView = (await coordinator.get(`/api/v1/plans/${planId}/moderation`)).json();
    expect(view.rows).toHaveLength(60);
    const row8 = view.rows.find((row) => row.no === 8)!;
    expect(row8.departments).toHaveLength(9);
    expect(row8.departments.find((department) => department.name === '工会')!.rating).toMatchObject(
      { rating: '达标', justification: '工会计划已落实' },
    );
    expect(
      row8.departments.find((department) => department.name === '教务处')!.rating,
    ).toMatchObject({ rating: '基本达标', score: 60 });
    expect(row8.departments.filter((department) => department.rating === null)).toHaveLength(7);
    expect(row8.institution).toBeNull();
    expect(view.rollups.level1.reduce((sum, rollup) => sum + rollup.unrated, 0)).toBe(60);

    expect(
      (
        await put(union, `/api/v1/plans/${planId}/moderation/${item8.id}`, {
          version: 0,
          rating: '达标',
        })
      ).statusCode,
    ).toBe(403);
    const moderated = await put(coordinator, `/api/v1/plans/${planId}/moderation/${item8.id}`, {
      version: 0,
      rating: '基本达标',
      note: '教务处的课程思政仍在推进',
    });
    expect(moderated.json()).toMatchObject({ rating: '基本达标', score: 60, version: 1 });
    expect(
      (
        await put(coordinator, `/api/v1/plans/${planId}/moderation/${item8.id}`, {
          version: 0,
          rating: '达标',
        })
      ).json().error.code,
    ).toBe('moderation.version_conflict');
    const item1 = view.rows.find((row) => row.no === 1)!;
    await put(coordinator, `/api/v1/plans/${planId}/moderation/${item1.itemId}`, {
      version: 0,
      rating: '达标',
    });

    view = (await coordinator.get(`/api/v1/plans/${planId}/moderation`)).json();
    expect(view.rows.find((row) => row.no === 8)!.institution).toMatchObject({
      rating: '基本达标',
      note: '教务处的课程思政仍在推进',
    });
    const rated = view.rollups.level2.filter((rollup) => rollup.rated > 0);
    expect(rated.map((rollup) => rollup.title).sort()).toEqual(
      ['强化组织领导', '明晰部门权责'].sort(),
    );
    const level1 = view.rollups.level1.find((rollup) => rollup.rated > 0)!;
    expect(level1).toMatchObject({ rated: 2, meanScore: 80 });
    expect(level1.distribution).toEqual([
      { label: '达标', count: 1 },
      { label: '基本达标', count: 1 },
      { label: '未达标', count: 0 },
    ]);
    expect(
      (await union.get(`/api/v1/plans/${planId}/conclusion/${idOf('工会')}`)).json().items[0]
        .institution,
    ).toMatchObject({ rating: '基本达标' });
    expect((await actions()).filter((action) => action.startsWith('institution_rating.'))).toEqual([
      'institution_rating.create',
      'institution_rating.create',
    ]);

    // The view's one read of the plan gives what each list's own reader gives, in its order.
    const [plan] = await t.db.select().from(plans).where(eq(plans.id, planId));
    const frame = await readConclusionFrame(t.db, plan!.standardId, planId);
    expect(frame.items).toEqual(await listItemsOfStandard(t.db, plan!.standardId));
    expect(frame.indicators).toEqual(await listIndicatorsOfStandard(t.db, plan!.standardId));
    expect(frame.targets).toEqual(await listPlanAssignmentTargets(t.db, planId));
    expect(frame.targets.some((target) => target.groupName !== null)).toBe(true);
    expect(frame.deliverables).toEqual(
      (await listDeliverables(t.db, planId)).map(({ kind, title, dueOn }) => ({
        kind,
        title,
        dueOn,
      })),
    );
    expect(frame.deliverables.length).toBeGreaterThan(0);
    const byItem = (rows: { itemId: string }[]) =>
      [...rows].sort((a, b) => a.itemId.localeCompare(b.itemId));
    expect(byItem(frame.moderated)).toEqual(
      byItem(
        (await listInstitutionRatings(t.db, planId)).map(({ itemId, rating, note }) => ({
          itemId,
          rating,
          note,
        })),
      ),
    );
    expect(frame.moderated).toHaveLength(2);
  });
});
