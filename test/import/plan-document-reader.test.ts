import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import type { ParsedPlan } from '../../src/shared/plan-import/contract';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { expectedItems, expectedLevel1, expectedLevel2 } from '../fixtures/seed-expected';
import { buildPlanDocx, buildPlanXlsx, officialColumns } from '../support/plan-documents';
import { seedPlanFile } from '../support/test-app';
import { writeZip } from '../support/zip-writer';

let seedBytes: Buffer;
let seedText: string;
let seed: ParsedPlan;
beforeAll(async () => {
  seedBytes = await readFile(seedPlanFile);
  seedText = seedBytes.toString('utf8');
  seed = await readPlanDocument({ bytes: seedBytes, fileName: 'plan.txt' });
});

/** What must be the same whatever the format: the tree and every item's departments. */
function essence(plan: ParsedPlan) {
  return plan.items.map((item) => ({
    no: item.no,
    level1: item.level1,
    level2: item.level2,
    content: item.content,
    focus: item.focus,
    departments: item.departments,
  }));
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the seed plan as text', () => {
  it('has exactly 5 level-1 indicators, 19 level-2 and 60 items', () => {
    expect([...new Set(seed.items.map((item) => item.level1))]).toEqual(expectedLevel1);
    for (const level1 of expectedLevel1) {
      expect([
        ...new Set(seed.items.filter((item) => item.level1 === level1).map((item) => item.level2)),
      ]).toEqual(expectedLevel2[level1]);
    }
    expect(Object.values(expectedLevel2).flat()).toHaveLength(19);
    expect(seed.items).toHaveLength(60);
  });

  it('gives every item its number, level-2 indicator and the departments written down by hand', () => {
    expect(seed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
      expectedItems,
    );
  });

  it('keeps the text verbatim, typos included, without the item numbers', () => {
    const item = (no: number) => seed.items[no - 1]!;
    expect(item(1).content.startsWith('将教师党建思政和师德师风建设工作纳入学校章程')).toBe(true);
    expect(item(18).content).toContain('不断提升课堂教学放果');
    expect(item(29).focus).toContain('纳入图家和省级');
    expect(item(55).focus).toContain('质量标淮');
    expect(item(51).content.startsWith('落实教育数字化战略行动')).toBe(true);
    expect(item(24).departmentsRaw).toBe('党委教师工作部党委宣传部\n教务处');
    expect(item(48).departmentsRaw).toBe('党委宣传部\n资产处\n党委教师工作部');
    expect(item(1).sourceRow).toBe(
      seedText.split('\n').findIndex((line) => line.startsWith('\t一、党的领导')) + 1,
    );
  });

  it('marks groups and placeholders, maps the alias and names the lead', () => {
    expect(seed.groups).toEqual([
      { name: '各教学单位', kind: 'group', selectsKind: 'teaching' },
      { name: '相关职能部门', kind: 'placeholder', selectsKind: null },
      { name: '涉及相关部门', kind: 'placeholder', selectsKind: null },
    ]);
    expect(seed.departments.find((department) => department.name === '资产管理处')).toEqual({
      name: '资产管理处',
      kind: 'functional',
      aliases: ['资产处'],
    });
    expect(seed.departments.find((department) => department.name === '马克思主义学院')?.kind).toBe(
      'teaching',
    );
    expect(
      seed.departments.find((department) => department.name === '中国职工电化教育中心')?.kind,
    ).toBe('other');
    expect(seed.departments.map((department) => department.name)).not.toContain('资产处');
    expect(seed.items[23]!.departmentRefs.map((ref) => ref.role)).toEqual([
      'lead',
      'support',
      'support',
    ]);
    expect(seed.warnings.some((warning) => warning.includes('资产处'))).toBe(true);
  });

  it('reads the notice, the issuer and dates, the phases and the deadlines before the table', () => {
    expect(seed).toMatchObject({
      format: 'text',
      noticeTitle:
        '关于印发《中国劳动关系学院关于落实<普通高等学校教师党建和思想政治工作质量标准（试行）>的工作方案》的通知',
      title:
        '中国劳动关系学院关于落实《普通高等学校教师党建和思想政治工作质量标准（试行）》的工作方案',
      organizationName: '中国劳动关系学院',
      issuer: '中共中国劳动关系学院委员会',
      issuedOn: '2024-04-18',
      printedOn: '2024-04-22',
      standardTitle: '普通高等学校教师党建和思想政治工作质量标准（试行）',
      cycleYear: 2024,
    });
    expect(
      seed.phases.map(({ kind, name, startsOn, endsOn }) => ({ kind, name, startsOn, endsOn })),
    ).toEqual([
      { kind: 'mobilize', name: '动员部署阶段', startsOn: '2024-04-01', endsOn: '2024-04-30' },
      { kind: 'execute', name: '深化推进阶段', startsOn: '2024-05-01', endsOn: '2024-09-30' },
      { kind: 'conclude', name: '成果总结阶段', startsOn: '2024-10-01', endsOn: '2024-11-30' },
    ]);
    expect(
      seed.deliverables.map(({ kind, title, dueOn, phasePosition, recipient }) => ({
        kind,
        title,
        dueOn,
        phasePosition,
        recipient,
      })),
    ).toEqual([
      {
        kind: 'task_breakdown',
        title: '任务分解表',
        dueOn: '2024-04-30',
        phasePosition: 1,
        recipient: '党委教师工作部',
      },
      {
        kind: 'liaison_list',
        title: '联络员名单',
        dueOn: '2024-04-30',
        phasePosition: 1,
        recipient: '党委教师工作部',
      },
    ]);
  });

  it('reads the same from GBK, UTF-8 with BOM, UTF-16 with BOM and CRLF line ends', async () => {
    const variants: [string, Buffer][] = [
      ['GBK', iconv.encode(seedText, 'gbk')],
      ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), seedBytes])],
      ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(seedText, 'utf-16le')])],
      ['CRLF', Buffer.from(seedText.replace(/\n/g, '\r\n'))],
    ];
    for (const [label, bytes] of variants) {
      const parsed = await readPlanDocument({ bytes, fileName: `${label}.txt` });
      expect(essence(parsed), label).toEqual(essence(seed));
      expect(parsed.phases, label).toEqual(seed.phases);
    }
  });
});

describe('the seed plan as Word and Excel', () => {
  it('reads a .docx with a real table and merged level cells the same as the text', async () => {
    const parsed = await readPlanDocument({
      bytes: await buildPlanDocx(seed),
      fileName: '工作方案.docx',
    });
    expect(parsed.format).toBe('docx');
    expect(essence(parsed)).toEqual(essence(seed));
    expect(parsed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
      expectedItems,
    );
    expect(parsed.phases).toEqual(seed.phases);
    expect(parsed.title).toBe(seed.title);
  });

  it('reads an .xlsx with a merged title, merged level cells and multi-line cells the same as the text', async () => {
    const parsed = await readPlanDocument({
      bytes: await buildPlanXlsx(seed),
      fileName: '任务分解表.xlsx',
    });
    expect(parsed.format).toBe('xlsx');
    expect(parsed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
      expectedItems,
    );
    expect(essence(parsed)).toEqual(essence(seed));
    expect(parsed.standardTitle).toBe('普通高等学校教师党建和思想政治工作质量标准（试行）');
  });

  it('finds the columns by their header: 序号 first and reordered, 牵头/配合 split, 完成时限 filled', async () => {
    const reordered = {
      columns: [
        'number',
        'content',
        'level2',
        'level1',
        'departments',
        'focus',
        'deadline',
      ] as const,
    };
    const deadlines = ['2024-06-30', '每学期', '长期坚持'];
    const layouts = [
      { columns: [...reordered.columns] },
      {
        columns: [
          'level1',
          'level2',
          'content',
          'focus',
          'lead',
          'support',
          'measures',
          'deadline',
        ] as typeof officialColumns,
      },
      { columns: officialColumns, deadline: (item: { no: number }) => deadlines[item.no % 3]! },
    ];
    for (const layout of layouts) {
      for (const build of [buildPlanDocx, buildPlanXlsx]) {
        const bytes = await build(seed, layout);
        const parsed = await readPlanDocument({
          bytes,
          fileName: build === buildPlanDocx ? 'plan.docx' : 'plan.xlsx',
        });
        expect(parsed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
          expectedItems,
        );
        expect(essence(parsed)).toEqual(essence(seed));
        if (layout.columns.includes('lead')) {
          expect(
            parsed.items[7]!.departmentRefs.filter((ref) => ref.role === 'lead').map(
              (ref) => ref.name,
            ),
          ).toEqual(['党委宣传部']);
          expect(parsed.warnings.some((warning) => warning.includes('牵头'))).toBe(false);
        }
        if ('deadline' in layout && layout.deadline)
          expect(parsed.items.slice(0, 3).map((item) => item.deadlineRaw)).toEqual([
            '每学期',
            '长期坚持',
            '2024-06-30',
          ]);
      }
    }
  });
});

describe('bad input is refused with a reason and a row', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');

  it('an empty file', async () => {
    expect(
      (await refusal(readPlanDocument({ bytes: Buffer.alloc(0), fileName: 'plan.txt' }))).code,
    ).toBe('import.empty_file');
  });

  it('content that is not what the name says', async () => {
    const error = await refusal(readPlanDocument({ bytes: png, fileName: 'plan.xlsx' }));
    expect(error.code).toBe('import.type_mismatch');
    expect(error.params).toMatchObject({ extension: '.xlsx', detected: 'PNG 图片' });
    const docxAsXlsx = await refusal(
      readPlanDocument({ bytes: await buildPlanDocx(seed), fileName: 'plan.xlsx' }),
    );
    expect(docxAsXlsx.code).toBe('import.type_mismatch');
  });

  it('an OLE header with nothing behind it (real .doc / .xls: legacy-office.test.ts)', async () => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    expect((await refusal(readPlanDocument({ bytes: ole, fileName: 'plan.doc' }))).code).toBe(
      'import.corrupt_file',
    );
  });

  it('a truncated .docx and a corrupt .xlsx', async () => {
    const docx = await buildPlanDocx(seed);
    expect(
      (
        await refusal(
          readPlanDocument({
            bytes: docx.subarray(0, Math.floor(docx.length / 2)),
            fileName: 'plan.docx',
          }),
        )
      ).code,
    ).toBe('import.corrupt_file');
    const notWorkbook = writeZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<not-a-workbook') },
      { name: '[Content_Types].xml', data: Buffer.from('<x/>') },
    ]);
    expect(
      (await refusal(readPlanDocument({ bytes: notWorkbook, fileName: 'plan.xlsx' }))).code,
    ).toBe('import.corrupt_file');
    const brokenXml = writeZip([
      { name: 'word/document.xml', data: Buffer.from('<w:document><w:body><w:p>') },
    ]);
    expect(
      (await refusal(readPlanDocument({ bytes: brokenXml, fileName: 'plan.docx' }))).code,
    ).toBe('import.corrupt_file');
  });

  it('a zip bomb, by its declared size and by what it really inflates to', async () => {
    const zeros = Buffer.alloc(60 * 1024 * 1024);
    const honest = writeZip([{ name: 'word/document.xml', data: zeros }]);
    expect(honest.length).toBeLessThan(200 * 1024);
    const declared = await refusal(readPlanDocument({ bytes: honest, fileName: 'plan.docx' }));
    expect(declared.code).toBe('import.zip_bomb');
    const lying = writeZip([{ name: 'word/document.xml', data: zeros, declaredSize: 1000 }]);
    const actual = await refusal(readPlanDocument({ bytes: lying, fileName: 'plan.docx' }));
    expect(actual.code).toBe('import.zip_bomb');
    const xlsxBomb = writeZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/media/big.bin', data: zeros, declaredSize: 10 },
    ]);
    expect((await refusal(readPlanDocument({ bytes: xlsxBomb, fileName: 'plan.xlsx' }))).code).toBe(
      'import.zip_bomb',
    );
  });

  it('a file over the size limit', async () => {
    const error = await refusal(
      readPlanDocument(
        { bytes: seedBytes, fileName: 'plan.txt' },
        { limits: { maxFileBytes: 1024 } },
      ),
    );
    expect(error.code).toBe('import.too_large');
    expect(error.params.limit).toBe('1.0 KB');
  });

  it('a table without a recognisable header', async () => {
    const text = seedText.replace('\t观测重点', '\t备注').replace('\t指标内容', '\t说明');
    expect(
      (await refusal(readPlanDocument({ bytes: Buffer.from(text), fileName: 'plan.txt' }))).code,
    ).toBe('import.header_not_found');
  });

  it('item numbers that jump, repeat or are missing, naming the row', async () => {
    const lineOf = (start: string) =>
      seedText.split('\n').findIndex((line) => line.startsWith(start)) + 1;
    const jump = await refusal(
      readPlanDocument({
        bytes: Buffer.from(seedText.replace('\t3.党委教师工作委员会', '\t4.党委教师工作委员会')),
        fileName: 'plan.txt',
      }),
    );
    expect(jump.code).toBe('import.item_number_gap');
    expect(jump.params).toMatchObject({ previous: 2, found: 4, expected: 3 });
    expect(jump.params.row).toBeGreaterThan(lineOf('\t2.学校党委'));
    const repeat = await refusal(
      readPlanDocument({
        bytes: Buffer.from(seedText.replace('\t7.党委组织部把', '\t6.党委组织部把')),
        fileName: 'plan.txt',
      }),
    );
    expect(repeat.code).toBe('import.item_number_repeated');
    const missing = await refusal(
      readPlanDocument({
        bytes: Buffer.from(seedText.replace('\t9.院（系）党组织书记', '\t院（系）党组织书记')),
        fileName: 'plan.txt',
      }),
    );
    expect(missing.code).toBe('import.item_number_missing');
    expect(missing.params.row).toBeGreaterThan(0);
  });

  it('a file name with a path in it', async () => {
    for (const fileName of ['../plan.txt', '..\\plan.txt', 'a/b.txt', 'plan\u0000.txt', '..']) {
      expect((await refusal(readPlanDocument({ bytes: seedBytes, fileName }))).code).toBe(
        'import.bad_file_name',
      );
    }
  });

  it('binary content that is neither text nor Office', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256));
    expect((await refusal(readPlanDocument({ bytes: random, fileName: 'plan.txt' }))).code).toBe(
      'import.not_text',
    );
  });
});
