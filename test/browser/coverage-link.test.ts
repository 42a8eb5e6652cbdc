import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  endJourney,
  openSignedIn,
  screenshots,
  seededDepartment,
  startJourney,
} from '../support/browser';
import { importRoster, rosterSheet, teachersOf } from '../support/roster';
import { createUser, signIn } from '../support/test-app';
import type { TestServer } from '../support/test-server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startJourney());
});
afterAll(async () => {
  await endJourney({ server, browser });
});

describe('a link to a coverage rule (issue 14)', () => {
  it('on a 375 px phone, /activities?rule=…&departmentId=… marks the rule, the department and who it still misses', async () => {
    const marxism = await seededDepartment(server, '马克思主义学院');
    const personnel = await seededDepartment(server, '人事处');
    const { username } = await createUser(
      server.database.db,
      marxism.organizationId,
      'coordinator',
      { username: 'office-coverage-link' },
    );
    const office = await signIn(server.app, username);
    await importRoster(
      office,
      await rosterSheet([...teachersOf('马克思主义学院', 'M', 8), ...teachersOf('人事处', 'R', 4)]),
    );
    const kind = (
      await office.post('/api/v1/activity-kinds', { name: '国情研修', itemNos: [] })
    ).json();
    // another rule first, so the linked one is not simply the top of the page
    for (const name of ['全体教师每年至少参加1次国情研修', '青年教师每年至少参加1次国情研修']) {
      const created = await office.post('/api/v1/coverage-rules', {
        kindId: kind.id,
        name,
        population: name.startsWith('青年') ? 'young' : 'all',
        frequency: 'yearly',
        itemNo: 36,
      });
      expect(created.statusCode).toBe(201);
    }
    const rules = (await office.get('/api/v1/coverage-rules')).json().rules as {
      id: string;
      name: string;
    }[];
    const young = rules.find((rule) => rule.name.startsWith('青年'))!;

    const phone = await openSignedIn(browser, server.url, username, { width: 375, height: 812 });
    await phone.goto(`${server.url}/activities?rule=${young.id}&departmentId=${personnel.id}`);
    await phone.getByTestId('activities-page').waitFor();
    const linked = phone.locator('[data-testid="coverage-rule"][data-linked="true"]');
    await linked.waitFor();
    expect(await phone.locator('[data-testid="coverage-rule"]').count()).toBe(2);
    expect(await linked.textContent()).toContain('青年教师每年至少参加1次国情研修');
    expect(await linked.getByTestId('coverage-rule-linked').textContent()).toBe('链接所指');
    // young in 人事处: R001 R003 (every other one), none has taken part yet
    expect(await linked.getByTestId('linked-missing').textContent()).toBe(
      '人事处尚未覆盖：人老师1、人老师3',
    );
    const row = linked.getByTestId('linked-department');
    expect(await row.textContent()).toContain('人事处');
    expect(await row.textContent()).toContain('人老师1、人老师3');
    // the linked rule is scrolled into view
    expect(await linked.evaluate((card) => card.getBoundingClientRect().top)).toBeLessThan(812);
    await phone.screenshot({ path: path.join(screenshots, 'coverage-link-phone.png') });

    // ids the page does not know mark nothing and break nothing
    await phone.goto(
      `${server.url}/activities?rule=00000000-0000-4000-8000-000000000000&departmentId=x`,
    );
    await phone.getByTestId('coverage-rule').first().waitFor();
    expect(await phone.locator('[data-linked="true"]').count()).toBe(0);
    expect(await phone.getByTestId('linked-missing').count()).toBe(0);
    // a rule without a department: the rule alone is marked
    await phone.goto(`${server.url}/activities?rule=${young.id}`);
    await linked.waitFor();
    expect(await phone.getByTestId('linked-missing').count()).toBe(0);
  }, 120_000);
});
