import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView, Dashboard } from '../../src/shared/api/breakdowns';
import { readDataVersion } from '../../src/server/modules/data-versions/data-version.repository';
import { rolesSeeingContactsInFull } from '../../src/shared/personal-data';
import { createTestApp, institutionWithSeedPlan, type TestApp } from '../support/test-app';

/**
 * Issue 16 point 1: views are kept until the organization's next write. A kept view is still
 * refused to a reader who may not see it, and every write is in the next read.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

async function versionsOf(organizationId: string, idOf: (name: string) => string) {
  return {
    whole: await readDataVersion(t.db, organizationId),
    academic: await readDataVersion(t.db, organizationId, idOf('教务处')),
    personnel: await readDataVersion(t.db, organizationId, idOf('人事处')),
  };
}

describe('views kept until the next write', () => {
  it("refuses a kept breakdown to another department's liaison, and masks contacts per reader", async () => {
    const { coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
    const personnel = await liaisonOf('人事处');
    const academic = await liaisonOf('教务处');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('人事处')}`;
    expect(
      (
        await personnel.request({
          method: 'PUT',
          url: `${base}/liaison`,
          payload: {
            name: '王老师',
            phone: '13812345678',
            email: 'wang@test.edu.cn',
          },
        })
      ).statusCode,
    ).toBe(200);
    // The office reads it first: the view is kept.
    const office: BreakdownView = (await coordinator.get(base)).json();
    expect(office.liaison?.phone).toBe('13812345678');
    expect((await academic.get(base)).statusCode).toBe(403);
    const own: BreakdownView = (await personnel.get(base)).json();
    expect(own.department.id).toBe(idOf('人事处'));
    expect(own.liaison?.phone === '13812345678').toBe(
      rolesSeeingContactsInFull.includes('liaison'),
    );
    expect((await academic.get(base)).statusCode).toBe(403);

    const ledger = `/api/v1/plans/${planId}/ledger/departments/${idOf('人事处')}`;
    expect((await coordinator.get(ledger)).statusCode).toBe(200);
    expect((await academic.get(ledger)).statusCode).toBe(403);
    expect((await personnel.get(ledger)).statusCode).toBe(200);
  });

  it('shows every write in the next read of the dashboard, the board and the breakdown', async () => {
    const { organization, coordinator, planId, idOf, liaisonOf } = await institutionWithSeedPlan(t);
    const academic = await liaisonOf('教务处');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('教务处')}`;
    const dashboardOf = async () =>
      (await coordinator.get(`/api/v1/plans/${planId}/dashboard`)).json() as Dashboard;
    const measuredCells = (dashboard: Dashboard) =>
      dashboard.cells.filter(([, , state]) => state !== 0).length;
    const before = await dashboardOf();
    expect(await dashboardOf()).toEqual(before);
    const view: BreakdownView = (await academic.get(base)).json();
    const item = itemsOf(view)[0]!;
    const versionsBefore = await versionsOf(organization.id, idOf);
    expect(
      (
        await academic.post(`${base}/measures`, {
          itemId: item.id,
          text: '制定专项计划并落实',
          deadline: { kind: 'semester', dueOn: '2024-07-15' },
        })
      ).statusCode,
    ).toBe(201);
    expect(measuredCells(await dashboardOf())).toBe(measuredCells(before) + 1);
    // The measure is 教务处's own record: the whole organization's version and 教务处's moved,
    // another department's views stay valid.
    const versionsAfter = await versionsOf(organization.id, idOf);
    expect(versionsAfter.whole).not.toBe(versionsBefore.whole);
    expect(versionsAfter.academic).not.toBe(versionsBefore.academic);
    expect(versionsAfter.personnel).toBe(versionsBefore.personnel);
    const after: BreakdownView = (await academic.get(base)).json();
    expect(itemsOf(after).find((entry) => entry.id === item.id)!.measures).toHaveLength(1);
    const board = (await coordinator.get(`/api/v1/plans/${planId}/breakdowns`)).json() as {
      rows: { department: { id: string }; itemsWithMeasures: number }[];
    };
    expect(board.rows.find((row) => row.department.id === idOf('教务处'))!.itemsWithMeasures).toBe(
      1,
    );
  });
});
