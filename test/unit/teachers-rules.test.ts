import { describe, expect, it } from 'vitest';
import {
  computeCoverage,
  coveragePeriod,
  coverageReminderPeriod,
  coverageWindow,
} from '../../src/shared/activities/coverage';
import { answerProblem, tallyAnswers } from '../../src/shared/surveys/questionnaire';
import { suppressGroups } from '../../src/shared/surveys/suppression';
import { surveyTemplates } from '../../src/shared/surveys/templates';
import {
  ageBandUpperBound,
  fieldOfHeader,
  isYoungTeacher,
  parseBirthDate,
} from '../../src/shared/teachers/roster-sheet';

describe('the roster sheet', () => {
  it('recognises headers by their synonyms', () => {
    expect(
      ['职工号', '教师姓名', '所在单位（部门）', '出生年月', '政治面貌', 'E-mail'].map(
        fieldOfHeader,
      ),
    ).toEqual(['workNo', 'name', 'department', 'birthDate', 'political', 'email']);
    expect(fieldOfHeader('身份证号')).toBeNull();
  });
  it('reads birth dates as HR writes them and 青年教师 by the limit', () => {
    expect(
      ['1985-03-12', '1985/3/12', '1985年3月', '19850312', '1985.03'].map(parseBirthDate),
    ).toEqual(['1985-03-12', '1985-03-12', '1985-03-01', '1985-03-12', '1985-03-01']);
    expect(isYoungTeacher({ birthDate: '1984-09-02', ageBand: null }, 40, '2024-09-01')).toBe(true);
    expect(isYoungTeacher({ birthDate: '1983-09-01', ageBand: null }, 40, '2024-09-01')).toBe(
      false,
    );
    expect(ageBandUpperBound('36-40岁')).toBe(40);
    expect(isYoungTeacher({ birthDate: null, ageBand: '35岁以下' }, 40, '2024-09-01')).toBe(true);
    expect(isYoungTeacher({ birthDate: null, ageBand: '41-45岁' }, 40, '2024-09-01')).toBe(false);
    expect(isYoungTeacher({ birthDate: null, ageBand: '38-42岁' }, 40, '2024-09-01')).toBeNull();
  });
});

describe('survey rules', () => {
  it('hides small groups, and the smallest shown one when the hidden ones could be worked out', () => {
    expect(
      suppressGroups(
        [
          { key: 'a', responses: 9 },
          { key: 'b', responses: 7 },
        ],
        5,
      ),
    ).toEqual(new Set());
    expect(
      suppressGroups(
        [
          { key: 'a', responses: 9 },
          { key: 'b', responses: 7 },
          { key: 'c', responses: 2 },
        ],
        5,
      ),
    ).toEqual(new Set(['c', 'b']));
    expect(
      suppressGroups(
        [
          { key: 'a', responses: 3 },
          { key: 'b', responses: 3 },
          { key: 'c', responses: 8 },
        ],
        5,
      ),
    ).toEqual(new Set(['a', 'b']));
  });
  it('checks answers and tallies them', () => {
    const { questionnaire } = surveyTemplates[0]!;
    expect(answerProblem(questionnaire, { q1: 5 })).toMatchObject({
      question: 2,
      detail: '此题必答',
    });
    expect(answerProblem(questionnaire, { q1: 9, q2: 1, q3: [1, 1, 1, 1, 1, 1, 1] })).toMatchObject(
      { question: 1 },
    );
    const tallies = tallyAnswers(questionnaire, [
      { q1: 5, q2: 4, q3: [5, 5, 5, 5, 5, 5, 5], q4: [0, 1] },
      { q1: 3, q2: 2, q3: [1, 2, 3, 4, 5, 4, 3], q4: [1] },
    ]);
    expect(tallies[0]).toMatchObject({
      answered: 2,
      counts: [0, 0, 1, 0, 1],
      mean: 4,
      favourable: { numerator: 1, denominator: 2 },
    });
    expect(tallies[3]!.counts.slice(0, 2)).toEqual([1, 2]);
  });
});

describe('coverage', () => {
  it('looks at the calendar year, the month, or the contract period before the day', () => {
    expect(coverageWindow('yearly', '2024-11-20', 3)).toEqual({
      from: '2024-01-01',
      to: '2024-11-20',
    });
    expect(coverageWindow('monthly', '2024-11-20', 3)).toEqual({
      from: '2024-11-01',
      to: '2024-11-20',
    });
    expect(coverageWindow('contract_period', '2024-11-20', 3)).toEqual({
      from: '2021-11-20',
      to: '2024-11-20',
    });
    const people = [
      { id: 'a', name: 'A', workNo: '1', departmentId: 'd1' },
      { id: 'b', name: 'B', workNo: '2', departmentId: 'd1' },
      { id: 'c', name: 'C', workNo: '3', departmentId: 'd2' },
    ];
    const result = computeCoverage(
      people,
      new Map([
        ['a', ['2024-03-01']],
        ['c', ['2023-12-31']],
      ]),
      { from: '2024-01-01', to: '2024-11-20' },
    );
    expect(result.institution).toMatchObject({ required: 3, covered: 1 });
    expect(
      result.departments.find((d) => d.departmentId === 'd1')!.missing.map((p) => p.name),
    ).toEqual(['B']);
  });

  it('reminds of a period from a month (yearly) or a week (monthly) before its due day, until it', () => {
    expect(coveragePeriod('yearly', '2024-11-20')).toEqual({
      key: '2024',
      from: '2024-01-01',
      dueOn: '2024-12-31',
    });
    expect(coveragePeriod('monthly', '2024-02-10')).toEqual({
      key: '2024-02',
      from: '2024-02-01',
      dueOn: '2024-02-29',
    });
    expect(coveragePeriod('contract_period', '2025-06-01').dueOn).toBe('2025-12-31');
    expect(coverageReminderPeriod('yearly', '2024-11-30')).toBeNull();
    expect(coverageReminderPeriod('yearly', '2024-12-01')?.key).toBe('2024');
    expect(coverageReminderPeriod('yearly', '2024-12-31')?.key).toBe('2024');
    // The next year has just begun: nothing is near its due day.
    expect(coverageReminderPeriod('yearly', '2025-01-01')).toBeNull();
    expect(coverageReminderPeriod('monthly', '2024-11-22')).toBeNull();
    expect(coverageReminderPeriod('monthly', '2024-11-23')?.key).toBe('2024-11');
    expect(coverageReminderPeriod('contract_period', '2024-12-15')?.dueOn).toBe('2024-12-31');
  });
});
