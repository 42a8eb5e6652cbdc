/** A catalogue text with its `{name}` placeholders filled; unknown names are left as written. */
export function fillMessage(
  template: string,
  params: Record<string, string | number> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
