import { describe, expect, it } from 'vitest';
import { summaryProblems } from '../../src/shared/conclusion/summary-problems';
import { formatErrorMessage } from '../../src/shared/errors';

const written = { highlights: true, results: true, cases: true, unrated: [] };

describe('why a summary cannot be submitted yet', () => {
  it('is nothing when every section is written and every item rated', () => {
    expect(summaryProblems(written)).toBeNull();
  });

  it('names the empty sections and the unrated items, in each language', () => {
    const problems = summaryProblems({
      ...written,
      results: false,
      cases: false,
      unrated: ['8', '39'],
    })!;
    expect(formatErrorMessage('summary.incomplete', { missing: problems }, 'zh-CN')).toBe(
      '还不能报送：总结报告还没有填写成效、典型案例；还有 2 项指标没有自评（8、39）。',
    );
    const english = formatErrorMessage('summary.incomplete', { missing: problems }, 'en');
    expect(english).toBe(
      'Not ready to submit: the summary has no results, typical cases yet; 2 items have no self-assessment yet (8, 39).',
    );
    expect(english).not.toMatch(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
  });

  it('says one item in the singular', () => {
    expect(summaryProblems({ ...written, unrated: ['5'] })!.en).toBe(
      '1 item has no self-assessment yet (5)',
    );
  });
});
