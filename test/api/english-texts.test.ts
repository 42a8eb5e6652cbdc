import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import type { SignedInClient } from '../support/test-app';
import { createTestApp, institutionWithSeedPlan, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** Chinese characters and full-width punctuation (curly quotes are English typography too). */
const CHINESE = /[\p{Script=Han}（），。；：、！？【】《》]/u;

const itemsOf = (view: BreakdownView) =>
  view.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items));

/** Every string of an answer, with the path it was found at. */
function strings(value: unknown, at = ''): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value))
    return value.flatMap((entry, index) => strings(entry, `${at}[${index}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, entry]) => strings(entry, `${at}.${key}`));
  return [];
}

/** Plan content and names: the only Chinese an English answer may carry. */
async function contentOf(office: SignedInClient, planId: string): Promise<string[]> {
  const detail = (await office.get(`/api/v1/plans/${planId}`)).json();
  const tree = (await office.get(`/api/v1/plans/${planId}/tree`)).json();
  const organization = (await office.get('/api/v1/organization')).json();
  const plans = (await office.get('/api/v1/plans')).json();
  return [
    ...plans.map((plan: { standardTitle: string }) => plan.standardTitle),
    detail.title,
    detail.issuer ?? '',
    organization.name,
    ...detail.phases.flatMap((phase: { name: string; sourceText: string }) => [
      phase.name,
      phase.sourceText,
    ]),
    ...detail.deliverables.flatMap(
      (entry: { title: string; recipient: string | null; sourceText: string }) => [
        entry.title,
        entry.recipient ?? '',
        entry.sourceText,
      ],
    ),
    ...detail.importWarnings,
    ...tree.indicators.flatMap(
      (level1: {
        code: string;
        title: string;
        children: {
          code: string;
          title: string;
          items: {
            content: string;
            focus: string;
            leader: string;
            assignments: { name: string }[];
          }[];
        }[];
      }) => [
        level1.title,
        level1.code,
        ...level1.children.flatMap((level2) => [
          level2.title,
          level2.code,
          ...level2.items.flatMap((item) => [
            item.content,
            item.focus,
            item.leader,
            ...item.assignments.map((entry) => entry.name),
          ]),
        ]),
      ],
    ),
    ...tree.departments.flatMap((entry: { name: string; aliases?: string[] }) => [
      entry.name,
      ...(entry.aliases ?? []),
    ]),
    ...tree.groups.map((entry: { name: string }) => entry.name),
  ]
    .filter((text) => /\p{Script=Han}/u.test(text))
    .sort((a, b) => b.length - a.length);
}

/** What is left of an answer's strings in Chinese once plan content and names are taken out. */
function leftovers(body: unknown, content: readonly string[]): string[] {
  return (
    strings(body)
      // An error's params are data for programs (a list of item numbers), its message is the text.
      .filter(({ at }) => !at.startsWith('.error.params.'))
      .map(({ at, text }) => ({
        at,
        rest: content.reduce((rest, known) => rest.split(known).join(' '), text),
      }))
      .filter(({ rest }) => CHINESE.test(rest))
      .map(({ at, rest }) => `${at}: ${rest}`)
  );
}

describe('the server speaks English when asked', () => {
  it('answers the main reads and a sample of refusals without Chinese outside plan content and names', async () => {
    t.clock.set('2024-05-10T02:00:00Z');
    const { planId, idOf, liaisonOf, coordinator } = await institutionWithSeedPlan(t);
    const union = await liaisonOf('工会');
    const finance = await liaisonOf('财务处');
    const office = await liaisonOf('党政办公室');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    const measureTexts = ['Hold a union meeting on teachers ethics'];
    for (const item of itemsOf((await union.get(base)).json()))
      await union.post(`${base}/measures`, {
        itemId: item.id,
        text: measureTexts[0],
        deadline: { kind: 'date', dueOn: '2024-05-01' },
      });
    await union.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: 'Wang', phone: '010-88561234', email: 'wang@example.edu.cn' },
    });
    expect((await union.post(`${base}/submit`)).statusCode).toBe(200);
    await t.jobs.runDue();
    const content = await contentOf(coordinator, planId);
    const english = { 'accept-language': 'en' };
    const ask = (
      client: SignedInClient,
      url: string,
      method: 'GET' | 'POST' = 'GET',
      payload?: object,
    ) => client.request({ method, url, headers: english, ...(payload ? { payload } : {}) });

    const reads: [SignedInClient, string][] = [
      [coordinator, '/api/v1/plans'],
      [coordinator, `/api/v1/plans/${planId}/breakdowns`],
      [coordinator, `/api/v1/plans/${planId}/dashboard`],
      [coordinator, base],
      [coordinator, '/api/v1/todo'],
      [coordinator, '/api/v1/supervision/overdue'],
      [coordinator, `/api/v1/plans/${planId}/obligations`],
      [coordinator, `/api/v1/plans/${planId}/findings`],
      [coordinator, '/api/v1/departments'],
      [union, '/api/v1/todo'],
      [union, base],
      [finance, '/api/v1/todo'],
    ];
    const found: string[] = [];
    for (const [client, url] of reads) {
      const answer = await ask(client, url);
      expect(answer.statusCode, `${url} ${answer.body.slice(0, 200)}`).toBe(200);
      found.push(...leftovers(answer.json(), content).map((line) => `GET ${url} ${line}`));
    }

    // Refusals: each message in English (a name in it may stay as written).
    const financeBase = `/api/v1/plans/${planId}/breakdowns/${idOf('财务处')}`;
    const item = itemsOf((await union.get(base)).json())[0]!;
    const refusals: [SignedInClient, string, 'GET' | 'POST', object | undefined, number][] = [
      [coordinator, '/api/v1/plans/00000000-0000-4000-8000-000000000001', 'GET', undefined, 404],
      [
        union,
        `${base}/measures`,
        'POST',
        { itemId: item.id, text: 'x', deadline: { kind: 'date', dueOn: '2024-06-30' } },
        409,
      ],
      [finance, `${financeBase}/submit`, 'POST', undefined, 422],
      [
        office,
        `/api/v1/plans/${planId}/breakdowns/${idOf('党政办公室')}/submit`,
        'POST',
        undefined,
        422,
      ],
      [coordinator, `${financeBase}/review`, 'POST', { decision: 'approve' }, 409],
      [union, financeBase, 'GET', undefined, 403],
      [coordinator, `${base}/review`, 'POST', { decision: 'return' }, 400],
      [coordinator, '/api/v1/supervision/remind', 'POST', { departmentId: idOf('工会') }, 409],
    ];
    for (const [client, url, method, payload, status] of refusals) {
      const answer = await ask(client, url, method, payload);
      expect(answer.statusCode, `${method} ${url} ${answer.body.slice(0, 300)}`).toBe(status);
      found.push(...leftovers(answer.json(), content).map((line) => `${method} ${url} ${line}`));
    }
    expect(found).toEqual([]);
  });
});

describe('messages in the reader language', () => {
  it("words one's handover messages again in English when asked, and keeps them in Chinese otherwise", async () => {
    t.clock.set('2024-04-20T02:00:00Z');
    const { planId, idOf, liaisonOf, coordinator } = await institutionWithSeedPlan(t);
    const union = await liaisonOf('工会');
    const base = `/api/v1/plans/${planId}/breakdowns/${idOf('工会')}`;
    for (const item of itemsOf((await union.get(base)).json()))
      await union.post(`${base}/measures`, {
        itemId: item.id,
        text: 'Hold a union meeting',
        deadline: { kind: 'date', dueOn: '2024-05-01' },
      });
    await union.request({
      method: 'PUT',
      url: `${base}/liaison`,
      payload: { name: 'Wang', phone: '010-88561234', email: 'wang@example.edu.cn' },
    });
    await union.post(`${base}/submit`);
    await coordinator.post(`${base}/review`, { decision: 'return', comment: 'Add dates' });
    await t.jobs.runDue();
    const content = await contentOf(coordinator, planId);
    for (const client of [coordinator, union]) {
      const english = (
        await client.request({
          method: 'GET',
          url: '/api/v1/messages',
          headers: { 'accept-language': 'en' },
        })
      ).json();
      expect(english.items.length).toBeGreaterThan(0);
      expect(leftovers(english, content)).toEqual([]);
      // The bell shows the same messages, in English too. Not yet: supervision's reminders and
      // weekly digest (【催办】, 【督办周报】) keep no facts to word again and stay in Chinese.
      const handovers = new Set(
        english.items.map((item: { notificationId: string | null }) => item.notificationId),
      );
      const bell = (
        await client.request({
          method: 'GET',
          url: '/api/v1/notifications',
          headers: { 'accept-language': 'en' },
        })
      ).json();
      const handoverEntries = bell.items.filter((item: { id: string }) => handovers.has(item.id));
      expect(handoverEntries.length).toBeGreaterThan(0);
      expect(leftovers(handoverEntries, content)).toEqual([]);
      const chinese = (await client.get('/api/v1/messages')).json();
      expect(chinese.items[0].title).toMatch(/\p{Script=Han}/u);
    }
  });
});
