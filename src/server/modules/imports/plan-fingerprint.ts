import type { ParsedPlan } from '../../../shared/plan-import/contract';
import { sha256 as hashOf } from '../../io/sha256';

function sha256(value: unknown): string {
  return hashOf(JSON.stringify(value));
}

/** Identity of a standard's tree: the same indicators and items, whatever file they came from. */
export function standardFingerprint(parse: ParsedPlan, title: string): string {
  return sha256({
    title,
    items: parse.items.map((item) => [
      item.no,
      item.level1Code,
      item.level1,
      item.level2Code,
      item.level2,
      item.content,
      item.focus,
      // only where a plan has them, so the seed's standard keeps the identity it always had
      ...(item.path.length > 2 ? [item.path.slice(2)] : []),
      ...(item.leader || item.code !== String(item.no) ? [item.code, item.leader] : []),
      ...(Object.keys(item.extra).length ? [item.extra] : []),
    ]),
  });
}

/** Identity of a plan: its standard, its text, its phases, deadlines and assignments. */
export function planFingerprint(parse: ParsedPlan, standard: string): string {
  return sha256({
    standard,
    title: parse.title,
    issuer: parse.issuer,
    issuedOn: parse.issuedOn,
    cycleYear: parse.cycleYear,
    phases: parse.phases.map((phase) => [phase.kind, phase.name, phase.startsOn, phase.endsOn]),
    deliverables: parse.deliverables.map((deliverable) => [deliverable.kind, deliverable.dueOn]),
    assignments: parse.items.map((item) => [
      item.no,
      item.departmentRefs.map((ref) => [ref.name, ref.kind, ref.role]),
    ]),
  });
}
