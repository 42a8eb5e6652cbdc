import type { ParsedDepartmentRef } from './contract';

export type DepartmentKind = 'functional' | 'teaching' | 'other';

const SEPARATORS = /[\n\r、，,；;／/\s\u3000]+/;
const GROUP = /^各.{0,8}(单位|学院|部门|院系|系|处室)$/;
const PLACEHOLDER = /^(相关|涉及相关|有关|其他相关|其它相关|其他|其它)(的)?.{0,6}(部门|单位)$/;

/** The names a department cell lists, in order, as written. */
export function splitDepartmentCell(cell: string): string[] {
  return cell
    .split(SEPARATORS)
    .map((name) => name.trim())
    .filter(Boolean);
}

export function isGroupName(name: string): boolean {
  return GROUP.test(name);
}

export function isPlaceholderName(name: string): boolean {
  return PLACEHOLDER.test(name);
}

/** The kind of department a group such as 各教学单位 stands for. */
export function groupSelectsKind(name: string): DepartmentKind | null {
  if (/教学|学院|院系|系$/.test(name)) return 'teaching';
  if (/职能|处室/.test(name)) return 'functional';
  return null;
}

/** A first guess from the name; the coordinator corrects it. */
export function guessDepartmentKind(name: string): DepartmentKind {
  if (/(学院|系|教学部|研究院)$/.test(name)) return 'teaching';
  if (/(处|部|办公室|委员会|团委|工会|办)$/.test(name)) return 'functional';
  return 'other';
}

/**
 * Splits a name that is several known names run together (党委教师工作部党委宣传部), when the
 * whole of it is covered by known names other than itself; otherwise keeps it whole.
 */
export function splitRunTogether(name: string, known: ReadonlySet<string>): string[] {
  const candidates = [...known].filter(
    (candidate) => candidate !== name && candidate.length > 1 && name.includes(candidate),
  );
  if (candidates.length < 2) return [name];
  const best: (string[] | null)[] = new Array(name.length + 1).fill(null);
  best[0] = [];
  for (let end = 1; end <= name.length; end++) {
    for (const candidate of candidates) {
      const start = end - candidate.length;
      const prefix = start >= 0 ? best[start] : null;
      if (
        prefix &&
        name.slice(start, end) === candidate &&
        (!best[end] || best[end]!.length > prefix.length + 1)
      ) {
        best[end] = [...prefix, candidate];
      }
    }
  }
  const parts = best[name.length];
  return parts && parts.length >= 2 ? parts : [name];
}

function isSubsequence(short: string, long: string): boolean {
  let index = 0;
  for (const character of long) if (character === short[index]) index++;
  return index === short.length;
}

/**
 * A short name is taken for an abbreviation of a longer one (资产处 for 资产管理处) when both
 * start with the same two characters, end with the same one, and the short one's characters
 * appear in order in the long one. Names listed together for one item are never aliases.
 */
export function inferAliases(
  names: readonly string[],
  listedTogether: (a: string, b: string) => boolean,
): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const short of names) {
    const matches = names.filter(
      (long) =>
        long.length > short.length &&
        short.length >= 3 &&
        long.slice(0, 2) === short.slice(0, 2) &&
        long.at(-1) === short.at(-1) &&
        isSubsequence(short, long) &&
        !listedTogether(short, long),
    );
    if (matches.length === 1) aliases.set(short, matches[0]!);
  }
  return aliases;
}

export interface DepartmentResolution {
  refs: ParsedDepartmentRef[];
}

/** Turns one item's department names into references: canonical names, kinds and roles. */
export function resolveDepartmentRefs(
  names: readonly { name: string; role: 'lead' | 'support' }[],
  canonical: (name: string) => string,
): ParsedDepartmentRef[] {
  const refs: ParsedDepartmentRef[] = [];
  for (const { name, role } of names) {
    const resolved = canonical(name);
    if (refs.some((ref) => ref.name === resolved)) continue;
    const kind = isPlaceholderName(resolved)
      ? 'placeholder'
      : isGroupName(resolved)
        ? 'group'
        : 'department';
    refs.push({ name: resolved, kind, role });
  }
  return refs;
}
