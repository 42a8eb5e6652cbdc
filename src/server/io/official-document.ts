import { AlignmentType, Footer, LineRuleType, PageNumber, Paragraph, TextRun } from 'docx';
import type { ISectionOptions } from 'docx';

/**
 * The page of a Chinese official document (GB/T 9704) that Luoshi's .docx writers share: A4 with
 * the standard's margins, 仿宋_GB2312 三号 body on a fixed 28 pt line, and "— 1 —" page numbers on
 * the outer side. Layout only.
 */

export const BODY_FONT = '仿宋_GB2312';
export const BODY_SIZE = 32; // half-points: 三号 (16 pt)
export const TABLE_SIZE = 21; // 五号 (10.5 pt)
export const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const;

/** The fonts an official document uses, for its font table (fontTableOverride). */
export const OFFICIAL_FONTS = [
  BODY_FONT,
  '黑体',
  '方正小标宋简体',
  '楷体_GB2312',
  '宋体',
  'Times New Roman',
] as const;

/** 2024-06-30 → 2024年6月30日 */
export function chineseDate(iso: string): string {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/**
 * "— 1 —" in 宋体 四号 (14 pt), a character (14 pt) in from the outer edge: right on odd pages, left
 * on even ones (GB/T 9704 7.5).
 */
function pageNumber(side: 'odd' | 'even'): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: 280 } : { left: 280 },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' },
            size: 28,
          }),
        ],
      }),
    ],
  });
}

/**
 * A section on the official page: A4, margins 37 mm top, 35 bottom, 28 left, 26 right, page numbers
 * on odd and even pages (the Document needs `evenAndOddHeaderAndFooters: true`).
 */
export function officialSection(children: ISectionOptions['children']): ISectionOptions {
  return {
    properties: {
      page: {
        size: { width: 11906, height: 16838 },
        margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 },
      },
    },
    footers: { default: pageNumber('odd'), even: pageNumber('even') },
    children,
  };
}
