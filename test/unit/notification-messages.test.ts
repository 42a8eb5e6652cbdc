import { describe, expect, it } from 'vitest';
import { composeMessage, messageKinds } from '../../src/shared/notifications/messages';

const facts = {
  planName: '2026 年工作方案',
  departmentName: '工会',
  subject: 'investigating',
  dueOn: '2026-12-10',
  recordId: '00000000-0000-4000-8000-000000000001',
};

describe('composed messages', () => {
  it('names a conduct case’s late step in the reader’s language', () => {
    expect(composeMessage({ kind: 'conduct_case.late', ...facts }).body).toContain('环节：核查');
    const english = composeMessage({ kind: 'conduct_case.late', ...facts }, 'en');
    expect(english.body).toContain('Step: Investigating');
    expect(english.body).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('has no Chinese in English outside the plan and department names', () => {
    for (const kind of messageKinds) {
      const { title, body, action } = composeMessage(
        { kind, ...facts, planName: 'Plan 2026', departmentName: 'Union', subject: 'received' },
        'en',
      );
      expect(`${kind}: ${title}\n${body}\n${action}`).not.toMatch(/[\u4e00-\u9fff\uff01-\uff5e]/);
    }
  });
});
