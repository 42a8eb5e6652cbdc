import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { createTestApp, institutionWithSeedPlan, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

describe('reviewing a resubmitted breakdown in one pass', () => {
  it("shows the office each item's earlier comment and what changed in its measures", async () => {
    const { planId, idOf, liaisonOf, coordinator } = await institutionWithSeedPlan(t);
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const [item8, item39] = itemsOf((await union.get(base)).json());
    await union.post(`${base}/measures`, {
      itemId: item8!.id,
      text: '把教师思政工作写入工会年度计划',
      deadline: { kind: 'yearly', dueOn: '2024-12-31' },
    });
    const kept = (
      await union.post(`${base}/measures`, {
        itemId: item39!.id,
        text: '建立民生项目清单',
        deadline: { kind: 'date', dueOn: '2024-06-30' },
      })
    ).json();
    await union.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: '王老师', phone: '010-88561234', email: 'wang@example.edu.cn' },
    });
    await union.post(`${base}/submit`);
    // Before any return there is nothing to compare.
    const first: BreakdownView = (await coordinator.get(base)).json();
    expect(first.resubmitted).toBeUndefined();
    await coordinator.post(`${base}/review`, {
      decision: 'return',
      itemComments: { [item39!.id]: '请写明清单公示方式和完成时间' },
    });

    await union.patch(`${base}/measures/${kept.id}`, {
      version: kept.version,
      text: '建立民生项目年度清单并在校内公示',
      deadline: { kind: 'date', dueOn: '2024-07-15' },
    });
    await union.post(`${base}/measures`, {
      itemId: item39!.id,
      text: '每月通报民生项目进展',
      deadline: { kind: 'monthly', dueOn: '2024-07-05' },
    });
    expect((await union.post(`${base}/submit`)).json().status).toBe('submitted');

    const view: BreakdownView = (await coordinator.get(base)).json();
    expect(view.resubmitted).toBe(true);
    const [after8, after39] = itemsOf(view);
    expect(after8).toMatchObject({ previousComment: null, changes: { changes: [], unchanged: 1 } });
    expect(after39!.previousComment).toBe('请写明清单公示方式和完成时间');
    expect(after39!.changes).toEqual({
      unchanged: 0,
      changes: [
        {
          kind: 'changed',
          text: '建立民生项目年度清单并在校内公示',
          deadline: '2024年7月15日',
          before: { text: '建立民生项目清单', deadline: '2024年6月30日' },
        },
        { kind: 'added', text: '每月通报民生项目进展', deadline: '每月（自2024年7月5日起）' },
      ],
    });

    // Once decided, the comparison has done its work.
    await coordinator.post(`${base}/review`, { decision: 'approve' });
    expect(((await coordinator.get(base)).json() as BreakdownView).resubmitted).toBeUndefined();
  });
});
