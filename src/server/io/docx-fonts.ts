/**
 * The font table (word/fontTable.xml) of the .docx files Luoshi writes: every font the document
 * names, with the Windows name Word and WPS substitute when the GB2312 face is not installed
 * (仿宋_GB2312 → 仿宋), the GB2312 character set and the family, so that an office opening the file
 * on another machine picks a like font instead of a default one. docx writes an empty table, so
 * this one is handed to Packer as an override.
 */

interface DeclaredFont {
  name: string;
  altName?: string;
  /** Hex: 86 is GB2312, 00 ANSI. */
  charset: string;
  family: 'roman' | 'swiss' | 'modern' | 'script' | 'decorative' | 'auto';
  pitch: 'fixed' | 'variable';
  panose?: string;
}

const FONTS: Record<string, DeclaredFont> = {
  仿宋_GB2312: {
    name: '仿宋_GB2312',
    altName: '仿宋',
    charset: '86',
    family: 'modern',
    pitch: 'fixed',
    panose: '02010609030101010101',
  },
  楷体_GB2312: {
    name: '楷体_GB2312',
    altName: '楷体',
    charset: '86',
    family: 'modern',
    pitch: 'fixed',
    panose: '02010609030101010101',
  },
  黑体: {
    name: '黑体',
    altName: 'SimHei',
    charset: '86',
    family: 'modern',
    pitch: 'fixed',
    panose: '02010609060101010101',
  },
  方正小标宋简体: {
    name: '方正小标宋简体',
    altName: '宋体',
    charset: '86',
    family: 'script',
    pitch: 'fixed',
    panose: '02000000000000000000',
  },
  宋体: {
    name: '宋体',
    altName: 'SimSun',
    charset: '86',
    family: 'auto',
    pitch: 'variable',
    panose: '02010600030101010101',
  },
  'Times New Roman': {
    name: 'Times New Roman',
    charset: '00',
    family: 'roman',
    pitch: 'variable',
    panose: '02020603050405020304',
  },
};

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The override for Packer.toBuffer: word/fontTable.xml declaring `names` (known fonts in full). */
export function fontTableOverride(names: readonly string[]): { path: string; data: string } {
  const entries = [...new Set(names)].map((name) => {
    const font = FONTS[name] ?? { name, charset: '00', family: 'auto', pitch: 'variable' };
    return [
      `<w:font w:name="${xmlEscape(font.name)}">`,
      font.altName ? `<w:altName w:val="${xmlEscape(font.altName)}"/>` : '',
      font.panose ? `<w:panose1 w:val="${font.panose}"/>` : '',
      `<w:charset w:val="${font.charset}"/>`,
      `<w:family w:val="${font.family}"/>`,
      `<w:pitch w:val="${font.pitch}"/>`,
      '</w:font>',
    ].join('');
  });
  return {
    path: 'word/fontTable.xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${entries.join('')}</w:fonts>`,
  };
}
