import { describe, expect, it } from 'vitest';
import { detectEvidenceType } from '../../src/server/io/evidence-type';
import { readPlanDocument } from '../../src/server/io/plan-document-reader';
import { defaultZipLimits } from '../../src/server/io/zip-guard';
import { AppError, formatErrorMessage } from '../../src/shared/errors';
import { writeZip } from '../support/zip-writer';

/** Issue 19 point 8: an OpenDocument upload gets the hint to save it as Office Open XML, as .xls does. */
function openDocument(mimetype: string): Buffer {
  return writeZip([
    { name: 'mimetype', data: Buffer.from(mimetype) },
    { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    { name: 'META-INF/manifest.xml', data: Buffer.from('<manifest:manifest/>') },
  ]);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('OpenDocument uploads', () => {
  const ods = openDocument('application/vnd.oasis.opendocument.spreadsheet');
  const odt = openDocument('application/vnd.oasis.opendocument.text');

  it('a plan, a users sheet or a breakdown sheet as .ods/.odt is told to be saved as .xlsx/.docx, whatever its name', async () => {
    for (const [bytes, fileName] of [
      [ods, '工作方案.ods'],
      [odt, '工作方案.odt'],
      [ods, '工作方案.xlsx'],
      [odt, 'plan.docx'],
    ] as const)
      expect(await codeOf(readPlanDocument({ bytes, fileName })), fileName).toBe(
        'import.open_document',
      );
    expect(formatErrorMessage('import.open_document', {}, 'zh-CN')).toContain('另存为');
    expect(formatErrorMessage('import.open_document', {}, 'en')).toContain('.xlsx');
  });

  it('evidence as .ods/.odt gets the same hint', async () => {
    expect(await codeOf(detectEvidenceType(ods, '台账.ods', defaultZipLimits))).toBe(
      'import.open_document',
    );
    expect(await codeOf(detectEvidenceType(odt, '总结.odt', defaultZipLimits))).toBe(
      'import.open_document',
    );
  });
});
