import type { TeacherAttribute } from '../api/teachers';

/** What the standard counts a teacher by, already computed (young needs the age limit and a day). */
export interface TeacherFacts {
  young: boolean | null;
  returnedOverseas: boolean;
  partyMember: boolean;
  nonPartyRepresentative: boolean;
  staffKind: string | null;
}

export function hasAttribute(teacher: TeacherFacts, attribute: TeacherAttribute): boolean {
  switch (attribute) {
    case 'young':
      return teacher.young === true;
    case 'returned_overseas':
      return teacher.returnedOverseas;
    case 'party_member':
      return teacher.partyMember;
    case 'non_party_representative':
      return teacher.nonPartyRepresentative;
    case 'full_time':
      return teacher.staffKind === 'full_time';
    case 'management':
      return teacher.staffKind === 'management';
  }
}

/** 青年教师, 海外归国, 党员 …: the words the pages and documents use. */
export const attributeWords: Record<TeacherAttribute, string> = {
  young: '青年教师',
  returned_overseas: '海外归国教师',
  party_member: '党员教师',
  non_party_representative: '党外代表人士',
  full_time: '专任教师',
  management: '管理人员',
};
