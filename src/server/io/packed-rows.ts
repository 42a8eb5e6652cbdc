import { setImmediate as turn } from 'node:timers/promises';

/**
 * Rows of a large export as they cross to a writer thread: each distinct value once, and every
 * cell as its value's index. A ledger of a year (some 19,000 rows at S) repeats each measure's
 * text, item and department in every period; cloned as objects, its 7 million characters held
 * the event loop for 175–460 ms in `postMessage`, where the distinct values are a fifth of that
 * and the indexes one typed array. The rows are also made in slices of 200 (about 5 ms each), the event loop turning
 * between them, so that making them stalls no other request either.
 */
export interface PackedRows<Row extends Record<string, string | number>> {
  fields: readonly (keyof Row & string)[];
  values: (string | number)[];
  /** Row after row, one index into `values` per field. */
  cells: Uint32Array;
}

/** Rows made from `source` by `rowOf` in slices of `slice`, packed. */
export async function packRows<Source, Row extends Record<string, string | number>>(
  source: readonly Source[],
  fields: readonly (keyof Row & string)[],
  rowOf: (item: Source) => Row,
  slice = 200,
): Promise<PackedRows<Row>> {
  const values: (string | number)[] = [];
  const indexOf = new Map<string | number, number>();
  const cells = new Uint32Array(source.length * fields.length);
  for (let at = 0; at < source.length; at += 1) {
    if (at > 0 && at % slice === 0) await turn();
    const row = rowOf(source[at]!);
    fields.forEach((field, column) => {
      const value = row[field]!;
      let index = indexOf.get(value);
      if (index === undefined) {
        index = values.length;
        values.push(value);
        indexOf.set(value, index);
      }
      cells[at * fields.length + column] = index;
    });
  }
  return { fields, values, cells };
}

/** The rows again, in the writer's thread. */
export function unpackRows<Row extends Record<string, string | number>>(
  packed: PackedRows<Row>,
): Row[] {
  const { fields, values, cells } = packed;
  const rows: Row[] = [];
  for (let start = 0; start < cells.length; start += fields.length) {
    const row: Record<string, string | number> = {};
    fields.forEach((field, column) => {
      row[field] = values[cells[start + column]!]!;
    });
    rows.push(row as Row);
  }
  return rows;
}
