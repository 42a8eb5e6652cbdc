import { describe, expect, it } from 'vitest';
import { attachment, attachmentFileName } from '../../src/server/http/attachment';

describe('the Content-Disposition of a download', () => {
  it('carries a Chinese name in filename* and the ASCII stand-in in filename', () => {
    const header = attachment('督办台账-2026-12-03.xlsx', 'ledger.xlsx');
    expect(header).toBe(
      `attachment; filename=ledger.xlsx; filename*=UTF-8''${encodeURIComponent('督办台账-2026-12-03.xlsx')}`,
    );
    expect(attachmentFileName(header)).toBe('督办台账-2026-12-03.xlsx');
  });

  it("percent-encodes ' ( ) * in filename*, which encodeURIComponent leaves as they are", () => {
    const name = "教务处（一）'s report (final)*.pdf";
    const header = attachment(name, 'evidence.pdf');
    const extended = /filename\*=UTF-8''(\S+)$/.exec(header)?.[1] ?? '';
    expect(extended).not.toMatch(/['()*]/);
    expect(extended).toContain('%27s%20report%20%28final%29%2A.pdf');
    expect(attachmentFileName(header)).toBe(name);
  });

  it('keeps a plain ASCII name as it is', () => {
    expect(attachment('audit-log.xlsx', 'audit-log.xlsx')).toBe(
      'attachment; filename=audit-log.xlsx',
    );
    expect(attachmentFileName('attachment; filename="audit-log.xlsx"')).toBe('audit-log.xlsx');
    expect(attachmentFileName('')).toBeNull();
  });
});
