import { describe, expect, it } from 'vitest';
import {
  type AssignmentTarget,
  orderMeasuresOfItem,
} from '../../src/server/modules/breakdowns/breakdown.rules';

// Ids are chosen so that their sort order is the reverse of the order a reader expects: ordering by
// department id (the old export) puts the support departments before the lead.
const lead = { id: 'ffff-lead', kind: 'functional' as const, name: '教务处' };
const firstSupport = { id: 'cccc-support', kind: 'functional' as const, name: '学生工作处' };
const secondSupport = { id: 'aaaa-support', kind: 'functional' as const, name: '人事处' };
const teachingUnit = { id: '0000-unit', kind: 'teaching' as const, name: '机械工程学院' };
const otherUnit = { id: '1111-unit', kind: 'teaching' as const, name: '化学化工学院' };
const departments = new Map(
  [lead, firstSupport, secondSupport, teachingUnit, otherUnit].map((department) => [
    department.id,
    department,
  ]),
);

function target(departmentId: string | null, role: AssignmentTarget['role']): AssignmentTarget {
  return departmentId
    ? { itemId: 'item', departmentId, role, groupName: null, groupKind: null, selectsKind: null }
    : {
        itemId: 'item',
        departmentId: null,
        role,
        groupName: '各教学单位',
        groupKind: 'group',
        selectsKind: 'teaching',
      };
}

describe('the order of measures in the 任务分解表', () => {
  it('puts the lead first, then support departments in the document order, then by name and position', () => {
    // Document order: 学生工作处 (support), 教务处 (lead), 各教学单位 (support), 人事处 (support).
    const targets = [
      target(firstSupport.id, 'support'),
      target(lead.id, 'lead'),
      target(null, 'support'),
      target(secondSupport.id, 'support'),
    ];
    const measures = [
      { departmentId: secondSupport.id, position: 0, text: '人事处 1' },
      { departmentId: teachingUnit.id, position: 1, text: '机械 2' },
      { departmentId: teachingUnit.id, position: 0, text: '机械 1' },
      { departmentId: otherUnit.id, position: 0, text: '化学 1' },
      { departmentId: firstSupport.id, position: 0, text: '学工 1' },
      { departmentId: lead.id, position: 1, text: '教务 2' },
      { departmentId: lead.id, position: 0, text: '教务 1' },
    ];
    const ordered = orderMeasuresOfItem(measures, targets, departments).map(
      (measure) => measure.text,
    );
    expect(ordered).toEqual([
      '教务 1',
      '教务 2',
      '学工 1',
      '化学 1',
      '机械 1',
      '机械 2',
      '人事处 1',
    ]);
  });

  it('is the same whatever order the measures are read in', () => {
    const targets = [target(lead.id, 'lead'), target(firstSupport.id, 'support')];
    const measures = [
      { departmentId: firstSupport.id, position: 0 },
      { departmentId: lead.id, position: 0 },
    ];
    const forward = orderMeasuresOfItem(measures, targets, departments);
    const backward = orderMeasuresOfItem([...measures].reverse(), targets, departments);
    expect(backward).toEqual(forward);
    expect(forward[0]?.departmentId).toBe(lead.id);
  });
});
