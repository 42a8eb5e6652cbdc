import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dutyCellTooltip,
  escapeHtml,
  institutionCellTooltip,
  percentText,
} from '../../src/web/components/chart-text';

/** Issue 19 point 10: every text in a chart is text. */
const markup = [
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "'`&amp;",
];

describe('chart tooltips', () => {
  it('escape a department name, an item number, a state, an institution and an indicator title holding markup', () => {
    for (const bad of markup) {
      for (const html of [
        dutyCellTooltip(bad, bad, bad),
        institutionCellTooltip(bad, bad, 42),
        percentText(bad),
      ]) {
        expect(html).not.toMatch(/<(?!br\/>)/);
        expect(html).not.toContain('"');
        expect(html).toContain(escapeHtml(bad));
      }
    }
    expect(dutyCellTooltip('党委教师工作部', 12, '已审核')).toBe('党委教师工作部 · 12<br/>已审核');
    expect(institutionCellTooltip('某某大学', '师德师风', -1)).toBe('某某大学<br/>师德师风：—');
    expect(institutionCellTooltip('某某大学', '师德师风', 87.4)).toBe('某某大学<br/>师德师风：87%');
  });

  it('every custom formatter in the web app is built from chart-text (no label pasted into HTML)', () => {
    const root = path.resolve(import.meta.dirname, '../../src/web');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name)) files.push(full);
      }
    };
    walk(root);
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(
        /formatter:\s*\([^)]*\)[^=]*=>([\s\S]{0,300}?)(?:,\n\s*\}|\n\s*\},)/g,
      )) {
        const body = match[1]!;
        if (/`[^`]*\$\{[^}]*(name|title|label)\b/.test(body))
          offenders.push(`${file}: ${body.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
