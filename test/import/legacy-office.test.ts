import { readFile } from 'node:fs/promises';
import path from 'node:path';
import CFB from 'cfb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { AppError } from '../../src/shared/errors';
import type { ParsedPlan } from '../../src/shared/plan-import/contract';
import { expectedItems } from '../fixtures/seed-expected';
import {
  buildShapeDocx,
  buildShapeXlsx,
  type PlanShape,
  planShapes,
  refusedShapes,
} from '../support/plan-shapes';
import { buildPlanDocx } from '../support/plan-documents';
import { essence } from '../support/plan-shapes';
import { seedPlanFile } from '../support/test-app';
import { writeZip } from '../support/zip-writer';

/*
 * Word 97–2003 (.doc) and Excel 97–2003 (.xls) plans: the fixtures are the plans of
 * test/support/plan-shapes and the seed, re-saved by LibreOffice (make-fixtures.ts beside them).
 * Each must read exactly as the .docx/.xlsx it was saved from, and so must those .docx/.xlsx
 * re-saved by LibreOffice in their own format (<shape>.resaved.docx / .xlsx).
 */
const fixtures = path.join(import.meta.dirname, '../fixtures/legacy-office');
const fixture = (name: string) => readFile(path.join(fixtures, name));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const read = async (name: string, fileName = name) =>
  readPlanDocument({ bytes: await fixture(name), fileName });

let seed: ParsedPlan;
beforeAll(async () => {
  seed = await readPlanDocument({ bytes: await readFile(seedPlanFile), fileName: 'seed.txt' });
});

describe('plans of every shape re-saved as .doc and .xls read as the .docx and .xlsx', () => {
  const pairs: [PlanShape, 'doc' | 'xls'][] = planShapes.flatMap((shape) => [
    [shape, 'doc'] as [PlanShape, 'doc'],
    [shape, 'xls'] as [PlanShape, 'xls'],
  ]);
  it.each(pairs)('%s as .%s', async (shape, format) => {
    const modern = await readPlanDocument({
      bytes: await (format === 'doc' ? buildShapeDocx(shape) : buildShapeXlsx(shape)),
      fileName: `${shape.name}.${format}x`,
    });
    const legacy = await read(`${shape.name}.${format}`);
    expect(legacy.format).toBe(format);
    expect(legacy.items.length).toBeGreaterThan(0);
    expect(essence(legacy)).toEqual(essence(modern));
    expect(legacy.depth).toBe(modern.depth);
    expect(legacy.columns).toEqual(modern.columns);
  });

  const resaved: [PlanShape, 'docx' | 'xlsx'][] = planShapes.flatMap((shape) => [
    [shape, 'docx'] as [PlanShape, 'docx'],
    [shape, 'xlsx'] as [PlanShape, 'xlsx'],
  ]);
  it.each(resaved)('%s re-saved by LibreOffice as .%s', async (shape, format) => {
    const original = await readPlanDocument({
      bytes: await (format === 'docx' ? buildShapeDocx(shape) : buildShapeXlsx(shape)),
      fileName: `${shape.name}.${format}`,
    });
    const again = await read(`${shape.name}.resaved.${format}`);
    expect(again.items.length).toBeGreaterThan(0);
    expect(essence(again)).toEqual(essence(original));
    expect(again.depth).toBe(original.depth);
    expect(again.columns).toEqual(original.columns);
  });

  it('keeps the tree of each shape: flat, one, two and four levels, titles without numbering', async () => {
    const paths = async (name: string) =>
      (await read(name)).items.map((item) => [item.no, item.path, item.level1, item.level2]);
    expect(await paths('flat.doc')).toEqual([
      [1, [], '', ''],
      [2, [], '', ''],
      [3, [], '', ''],
      [4, [], '', ''],
    ]);
    expect(await paths('two-levels.xls')).toEqual([
      [1, ['加强思想政治引领'], '加强思想政治引领', ''],
      [2, ['加强思想政治引领'], '加强思想政治引领', ''],
      [3, ['健全师德建设机制'], '健全师德建设机制', ''],
      [4, ['健全师德建设机制'], '健全师德建设机制', ''],
    ]);
    expect(await paths('three-levels.doc')).toEqual([
      [1, ['党的领导', '强化组织领导'], '党的领导', '强化组织领导'],
      [2, ['党的领导', '强化组织领导'], '党的领导', '强化组织领导'],
      [3, ['党的领导', '压实院系责任'], '党的领导', '压实院系责任'],
      [4, ['队伍建设', '引育并举'], '队伍建设', '引育并举'],
    ]);
    const fourLevels = await read('four-levels.doc');
    expect(fourLevels.depth).toBe(4);
    expect(fourLevels.items.map((item) => item.path)).toEqual([
      ['人才培养', '课程建设', '一流课程', '国家级'],
      ['人才培养', '课程建设', '一流课程', '省级'],
      ['人才培养', '教材建设', '规划教材', '编写'],
      ['科学研究', '平台', '重点实验室', '培育'],
    ]);
    expect(fourLevels.items[3]!.departments).toEqual(['科研处', '资产管理处', '财务处']);
    const numbered = await read('numbered-column.xls');
    expect(numbered.items.map((item) => [item.no, item.path.at(-1), item.content])).toEqual([
      [1, '集中学习', '每月集中学习一次'],
      [2, '集中学习', '建立学习台账'],
      [3, '专题研修', '组织国情研修'],
      [4, '办法', '完善师德考核办法'],
    ]);
  });

  it('a Word cell merged down repeats its text; a date cell of Excel is a date', async () => {
    const rectification = await read('rectification.doc');
    expect(rectification.items.map((item) => [item.leader, item.departments])).toEqual([
      ['张三', ['人事处', '党委教师工作部']],
      ['张三', ['人事处', '党委教师工作部']],
      ['李四', ['党委教师工作部']],
    ]);
    expect(rectification.items[0]!.extra).toEqual({ 备注: '巡视反馈' });
    expect((await read('two-levels.xls')).items.map((item) => item.deadlineRaw)).toEqual([
      '2027-03-31',
      '2027-08-31',
      '2027-12-31',
      '长期坚持',
    ]);
  });

  it('one Word table over two pages, its header repeated, is one table in the .doc too', async () => {
    const split = await read('split-table.doc');
    expect(split.items.map((item) => [item.no, item.level1])).toEqual([
      [1, '强化党建引领'],
      [2, '强化党建引领'],
      [3, '强化党建引领'],
      [4, '深化师德建设'],
    ]);
  });
});

describe('the seed plan re-saved as .doc and .xls', () => {
  it('reads the .doc like the text: the notice, the phases and every item', async () => {
    const parsed = await read('seed.doc', '工作方案.doc');
    expect(parsed.format).toBe('doc');
    expect(parsed.items.map((item) => [item.no, item.level2, item.departments])).toEqual(
      expectedItems,
    );
    expect(essence(parsed)).toEqual(essence(seed));
    expect(parsed.title).toBe(seed.title);
    expect(parsed.noticeTitle).toBe(seed.noticeTitle);
    expect(parsed.phases).toEqual(seed.phases);
    expect(parsed.deliverables).toEqual(seed.deliverables);
  });

  it('reads the .xls like the text, merged level cells and multi-line cells included', async () => {
    const parsed = await read('seed.xls', '任务分解表.xls');
    expect(parsed.format).toBe('xls');
    expect(essence(parsed)).toEqual(essence(seed));
    expect(parsed.standardTitle).toBe(seed.standardTitle);
  });

  it('reads a .doc or .xls whose bytes are the other generation of the same program', async () => {
    const docx = await buildPlanDocx(seed);
    expect((await readPlanDocument({ bytes: docx, fileName: 'plan.doc' })).format).toBe('docx');
    const xls = await fixture('seed.xls');
    expect((await readPlanDocument({ bytes: xls, fileName: 'plan.xlsx' })).format).toBe('xls');
  });
});

/** An OLE compound file holding the given streams. */
function oleFile(streams: Record<string, Buffer>): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [name, content] of Object.entries(streams))
    CFB.utils.cfb_add(container, `/${name}`, content);
  return Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array);
}

/** The seed .doc with its WordDocument stream changed. */
async function alteredDoc(change: (word: Buffer) => void): Promise<Buffer> {
  const container = CFB.read(await fixture('seed.doc'), { type: 'buffer' });
  const entry = CFB.find(container, 'WordDocument')!;
  const word = Buffer.from(entry.content as Uint8Array);
  change(word);
  entry.content = word;
  entry.size = word.length;
  return Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array);
}

describe('every guard holds for .doc and .xls', () => {
  it('an empty file', async () => {
    for (const fileName of ['plan.doc', 'plan.xls'])
      expect((await refusal(readPlanDocument({ bytes: Buffer.alloc(0), fileName }))).code).toBe(
        'import.empty_file',
      );
  });

  it('content that is not what the name says', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const asDoc = await refusal(readPlanDocument({ bytes: png, fileName: 'plan.doc' }));
    expect(asDoc.code).toBe('import.type_mismatch');
    expect(asDoc.params).toMatchObject({ extension: '.doc', detected: 'PNG 图片' });
    const docAsXls = await refusal(
      readPlanDocument({ bytes: await fixture('seed.doc'), fileName: 'plan.xls' }),
    );
    expect(docAsXls.code).toBe('import.type_mismatch');
    expect(docAsXls.params.detected).toBe('Word 97–2003 文档 (.doc)');
    const xlsAsDocx = await refusal(
      readPlanDocument({ bytes: await fixture('seed.xls'), fileName: 'plan.docx' }),
    );
    expect(xlsAsDocx.code).toBe('import.type_mismatch');
    const docxAsXls = await refusal(
      readPlanDocument({ bytes: await buildPlanDocx(seed), fileName: 'plan.xls' }),
    );
    expect(docxAsXls.code).toBe('import.type_mismatch');
    const text = await refusal(
      readPlanDocument({ bytes: await readFile(seedPlanFile), fileName: 'plan.doc' }),
    );
    expect(text.code).toBe('import.type_mismatch');
  });

  it('an OLE file that is neither Word nor Excel, and one protected by a password', async () => {
    const powerPoint = oleFile({ 'PowerPoint Document': Buffer.alloc(600, 1) });
    expect((await refusal(readPlanDocument({ bytes: powerPoint, fileName: 'a.ppt' }))).code).toBe(
      'import.unsupported_type',
    );
    expect((await refusal(readPlanDocument({ bytes: powerPoint, fileName: 'a.doc' }))).code).toBe(
      'import.type_mismatch',
    );
    const encryptedPackage = oleFile({
      EncryptionInfo: Buffer.alloc(600, 2),
      EncryptedPackage: Buffer.alloc(600, 3),
    });
    expect(
      (await refusal(readPlanDocument({ bytes: encryptedPackage, fileName: 'plan.xlsx' }))).code,
    ).toBe('import.encrypted_file');
    const encryptedDoc = await alteredDoc((word) =>
      word.writeUInt16LE(word.readUInt16LE(10) | 0x0100, 10),
    );
    expect(
      (await refusal(readPlanDocument({ bytes: encryptedDoc, fileName: 'plan.doc' }))).code,
    ).toBe('import.encrypted_file');
    const word95 = await alteredDoc((word) => word.writeUInt16LE(0x0065, 2));
    expect((await refusal(readPlanDocument({ bytes: word95, fileName: 'plan.doc' }))).code).toBe(
      'import.office_too_old',
    );
  });

  it('a truncated or damaged .doc and .xls', async () => {
    for (const name of ['seed.doc', 'seed.xls', 'flat.doc', 'flat.xls']) {
      const bytes = await fixture(name);
      for (const keep of [0.5, 0.9]) {
        const error = await refusal(
          readPlanDocument({
            bytes: bytes.subarray(0, Math.floor(bytes.length * keep)),
            fileName: name,
          }),
        );
        expect(error.code, `${name} cut to ${keep}`).toBe('import.corrupt_file');
      }
    }
    const header = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    expect((await refusal(readPlanDocument({ bytes: header, fileName: 'plan.doc' }))).code).toBe(
      'import.corrupt_file',
    );
    const notWord = await alteredDoc((word) => word.writeUInt16LE(0x1234, 0));
    expect((await refusal(readPlanDocument({ bytes: notWord, fileName: 'plan.doc' }))).code).toBe(
      'import.corrupt_file',
    );
    // the piece table pointing past the end of the text
    const badPieces = await alteredDoc((word) => word.writeUInt32LE(0x7fff0000, 0x01a2));
    expect((await refusal(readPlanDocument({ bytes: badPieces, fileName: 'plan.doc' }))).code).toBe(
      'import.corrupt_file',
    );
    const noWorkbook = oleFile({ Workbook: Buffer.alloc(700, 0xff) });
    expect(
      (await refusal(readPlanDocument({ bytes: noWorkbook, fileName: 'plan.xls' }))).code,
    ).toBe('import.corrupt_file');
  });

  it('a zip bomb named .doc or .xls meets the zip guard', async () => {
    const zeros = Buffer.alloc(60 * 1024 * 1024);
    const bomb = writeZip([{ name: 'word/document.xml', data: zeros, declaredSize: 1000 }]);
    expect((await refusal(readPlanDocument({ bytes: bomb, fileName: 'plan.doc' }))).code).toBe(
      'import.zip_bomb',
    );
    const xlsBomb = writeZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/media/big.bin', data: zeros, declaredSize: 10 },
    ]);
    expect((await refusal(readPlanDocument({ bytes: xlsBomb, fileName: 'plan.xls' }))).code).toBe(
      'import.zip_bomb',
    );
  });

  it('a file over the size limit, a sheet over the row limit', async () => {
    for (const name of ['seed.doc', 'seed.xls']) {
      const error = await refusal(
        readPlanDocument(
          { bytes: await fixture(name), fileName: name },
          { limits: { maxFileBytes: 4096 } },
        ),
      );
      expect(error.code).toBe('import.too_large');
    }
    const rows = await refusal(
      readPlanDocument(
        { bytes: await fixture('seed.xls'), fileName: 'seed.xls' },
        { limits: { maxRows: 20 } },
      ),
    );
    expect(rows.code).toBe('import.too_many_rows');
    const docRows = await refusal(
      readPlanDocument(
        { bytes: await fixture('seed.doc'), fileName: 'seed.doc' },
        { limits: { maxRows: 20 } },
      ),
    );
    expect(docRows.code).toBe('import.too_many_rows');
  });

  it('item numbers that jump or repeat, naming the row', async () => {
    for (const shape of refusedShapes) {
      for (const format of ['doc', 'xls']) {
        const error = await refusal(read(`${shape.name}.${format}`));
        expect(error.code, `${shape.name}.${format}`).toBe(shape.refusal);
        expect(error.params.row).toBe(4);
      }
    }
  });

  it('a file name with a path in it', async () => {
    const bytes = await fixture('flat.doc');
    for (const fileName of ['../plan.doc', '..\\plan.xls', 'a/b.doc', 'plan\u0000.xls'])
      expect((await refusal(readPlanDocument({ bytes, fileName }))).code).toBe(
        'import.bad_file_name',
      );
  });

  it('an OpenDocument file gets the hint to save it as Word or Excel', async () => {
    const odt = writeZip([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text') },
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    ]);
    for (const fileName of ['plan.odt', 'plan.ods'])
      expect((await refusal(readPlanDocument({ bytes: odt, fileName }))).code).toBe(
        'import.open_document',
      );
  });
});
