import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { buildShapeDocx, buildShapeXlsx, planShapes } from '../support/plan-shapes';
import { projectRoot } from '../support/test-app';

/*
 * The CLI contract of `luoshi import FILE --dry-run --json` for every shape of plan, as .docx,
 * .xlsx, and re-saved by LibreOffice as .doc and .xls: each item's path (its ancestors' titles from
 * the top, numbering stripped), level1/level2 ('' where the plan has no such level), its
 * departments lead first then support in the document's order, and the leader.
 */
const run = promisify(execFile);
const cli = path.join(projectRoot, 'bin/luoshi.mjs');
const fixtures = path.join(projectRoot, 'test/fixtures/legacy-office');

async function dryRun(file: string) {
  try {
    const { stdout } = await run(process.execPath, [cli, 'import', file, '--dry-run', '--json'], {
      cwd: projectRoot,
      env: { ...process.env, LUOSHI_LANG: 'zh-CN' },
      maxBuffer: 20 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface Expected {
  no: number;
  path: string[];
  level1: string;
  level2: string;
  departments: string[];
  leader: string;
}
type ItemOut = Expected & { departmentRefs: { role: string }[] };

/** One telling item of each shape, as the contract says it is printed. */
const expected: Record<string, { count: number; item: Expected }> = {
  flat: {
    count: 4,
    item: {
      no: 1,
      path: [],
      level1: '',
      level2: '',
      departments: ['党委教师工作部', '人事处', '教务处'],
      leader: '',
    },
  },
  'two-levels': {
    count: 4,
    item: {
      no: 2,
      path: ['加强思想政治引领'],
      level1: '加强思想政治引领',
      level2: '',
      departments: ['党委教师工作部', '人事处'],
      leader: '',
    },
  },
  'three-levels': {
    count: 4,
    item: {
      no: 3,
      path: ['党的领导', '压实院系责任'],
      level1: '党的领导',
      level2: '压实院系责任',
      departments: ['各教学单位'],
      leader: '',
    },
  },
  rectification: {
    count: 3,
    item: {
      no: 2,
      path: [],
      level1: '',
      level2: '',
      departments: ['人事处', '党委教师工作部'],
      leader: '张三',
    },
  },
  'four-levels': {
    count: 4,
    item: {
      no: 4,
      path: ['科学研究', '平台', '重点实验室', '培育'],
      level1: '科学研究',
      level2: '平台',
      departments: ['科研处', '资产管理处', '财务处'],
      leader: '',
    },
  },
  'numbered-column': {
    count: 4,
    item: {
      no: 4,
      path: ['思想政治建设', '师德建设', '考核', '办法'],
      level1: '思想政治建设',
      level2: '师德建设',
      departments: ['人事处'],
      leader: '',
    },
  },
  'split-table': {
    count: 4,
    item: {
      no: 3,
      path: ['强化党建引领'],
      level1: '强化党建引领',
      level2: '',
      departments: ['党委组织部'],
      leader: '',
    },
  },
};

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'luoshi-cli-shapes-'));
});

describe('luoshi import --dry-run --json prints the contract for every shape', () => {
  it('has an expectation for every shape', () => {
    expect(Object.keys(expected).sort()).toEqual(planShapes.map((shape) => shape.name).sort());
  });

  const cases = planShapes.flatMap((shape) =>
    (['docx', 'xlsx', 'doc', 'xls'] as const).map((format) => [shape.name, format] as const),
  );
  it.each(cases)('%s as .%s', async (name, format) => {
    const shape = planShapes.find((candidate) => candidate.name === name)!;
    let printedJson: string;
    if (format === 'doc' || format === 'xls') {
      const result = await dryRun(path.join(fixtures, `${name}.${format}`));
      expect(result.code, result.stderr).toBe(0);
      printedJson = result.stdout;
    } else {
      // what the CLI prints is this parse as JSON; its process is run above for the .doc/.xls
      const bytes = await (format === 'docx' ? buildShapeDocx(shape) : buildShapeXlsx(shape));
      printedJson = JSON.stringify(
        await readPlanDocument({ bytes, fileName: `${name}.${format}` }),
      );
    }
    const parse = JSON.parse(printedJson) as { format: string; items: ItemOut[] };
    expect(parse.format).toBe(format);
    const { count, item } = expected[name]!;
    expect(parse.items).toHaveLength(count);
    const printed = parse.items.find((candidate) => candidate.no === item.no)!;
    expect({
      no: printed.no,
      path: printed.path,
      level1: printed.level1,
      level2: printed.level2,
      departments: printed.departments,
      leader: printed.leader,
    }).toEqual(item);
    // every item: path as deep as the plan, level1/level2 its first two titles or '', lead first
    for (const each of parse.items) {
      expect(each.level1).toBe(each.path[0] ?? '');
      expect(each.level2).toBe(each.path[1] ?? '');
      const roles = each.departmentRefs.map((ref) => ref.role);
      expect(roles[0]).toBe('lead');
      expect(roles.slice(roles.lastIndexOf('lead') + 1).every((role) => role === 'support')).toBe(
        true,
      );
    }
  });

  it('refuses a cut-off .doc and .xls with one line and exit code 2', async () => {
    for (const name of ['seed.doc', 'seed.xls']) {
      const bytes = await readFile(path.join(fixtures, name));
      const file = path.join(scratch, `cut-${name}`);
      await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const result = await dryRun(file);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('import.corrupt_file');
    }
  });
});
