/**
 * Text that ECharts puts into its HTML tooltips: every label from the data (a department's name,
 * an indicator's title, an institution's name) is escaped, so a name holding markup
 * (`<meta http-equiv=refresh …>`, `<img onerror=…>`) shows as text and never runs. Every custom
 * formatter of every chart is built here. Pure.
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"'`]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

/** The dashboard's heatmap cell: department · item number, then the duty's state (already translated). */
export function dutyCellTooltip(
  department: string,
  itemNo: string | number,
  state: string,
): string {
  return `${escapeHtml(department)} · ${escapeHtml(itemNo)}<br/>${escapeHtml(state)}`;
}

/** The overview's heatmap cell: institution, then the level-1 indicator and its share done. */
export function institutionCellTooltip(
  institution: string,
  indicator: string,
  percent: number,
): string {
  return `${escapeHtml(institution)}<br/>${escapeHtml(indicator)}：${percent < 0 ? '—' : `${Math.round(percent)}%`}`;
}

/** A value of an axis tooltip as a percentage, or — when there is none. */
export function percentText(value: unknown): string {
  return value === null || value === undefined || value === '' ? '—' : `${escapeHtml(value)}%`;
}
