import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

let fontsChecked: Promise<void> | undefined;

/**
 * The fonts the printouts are judged in: Noto CJK for the Chinese text, and Carlito, which has
 * Calibri's metrics (the workbooks' default font). Without Carlito LibreOffice lays a sheet out in
 * a wider font, so rows sized for Excel look twice as tall as their text and nothing here would
 * notice; the tier refuses to judge instead (`.ci/run` installs both).
 */
function checkFonts(): Promise<void> {
  fontsChecked ??= run('fc-list', [':', 'family']).then(({ stdout }) => {
    for (const [family, pkg] of [
      ['Carlito', 'fonts-crosextra-carlito'],
      ['Noto Sans CJK SC', 'fonts-noto-cjk'],
    ] as const)
      if (!stdout.includes(family))
        throw new Error(`The export tier needs the font ${family}: apt-get install ${pkg}`);
  });
  return fontsChecked;
}

/**
 * LibreOffice headless with a profile of its own (so that parallel runs do not share one and
 * clash), converting every file in `files` into `format` ("pdf", "docx", "xlsx"…) in `outDir`.
 * Answers the converted files' paths, in the order of `files`.
 */
export async function convertWithLibreOffice(
  files: string[],
  format: string,
  outDir: string,
): Promise<string[]> {
  await checkFonts();
  const profile = path.join(tmpdir(), `luoshi-soffice-${randomBytes(6).toString('hex')}`);
  await mkdir(outDir, { recursive: true });
  try {
    await run(
      'soffice',
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        format,
        '--outdir',
        outDir,
        ...files,
      ],
      { timeout: 1_500_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  const extension = format.split(':')[0]!;
  const converted = files.map((file) =>
    path.join(outDir, `${path.basename(file, path.extname(file))}.${extension}`),
  );
  const present = new Set(await readdir(outDir));
  for (const file of converted)
    if (!present.has(path.basename(file))) throw new Error(`LibreOffice did not write ${file}`);
  return converted;
}

export interface PdfPage {
  /** Width and height in points. */
  width: number;
  height: number;
}

/** Page count and each page's size, from poppler's pdfinfo. */
export async function pdfPages(pdf: string): Promise<PdfPage[]> {
  const { stdout } = await run('pdfinfo', ['-f', '1', '-l', '100000', pdf], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const pages: PdfPage[] = [];
  for (const match of stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm))
    pages.push({ width: Number(match[1]), height: Number(match[2]) });
  return pages;
}

/** The text of each page, laid out as printed (pdftotext -layout; pages split on form feeds). */
export async function pdfLayoutText(pdf: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const pages = stdout.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
}

/** The text of each page in the order it is drawn (pdftotext -raw): a table cell's lines come together. */
export async function pdfRawText(pdf: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const pages = stdout.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
}

/** PNGs of the first `count` pages under `outDir`, named `<prefix>-<page>.png`. */
export async function pngsOfFirstPages(
  pdf: string,
  outDir: string,
  prefix: string,
  count = 2,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  await run('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    String(count),
    pdf,
    path.join(outDir, prefix),
  ]);
  return (await readdir(outDir))
    .filter((name) => name.startsWith(`${prefix}-`) && name.endsWith('.png'))
    .map((name) => path.join(outDir, name));
}

/** A4 in points, either way round, within a point. */
export function isA4(page: PdfPage, orientation: 'portrait' | 'landscape'): boolean {
  const [short, long] = [595.3, 841.9];
  const [width, height] = orientation === 'portrait' ? [short, long] : [long, short];
  return Math.abs(page.width - width) < 2 && Math.abs(page.height - height) < 2;
}

/** Text without any whitespace, so that a phrase wrapped over lines still matches. */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

export async function writeBytes(file: string, bytes: Buffer): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return file;
}

export { readFile };
