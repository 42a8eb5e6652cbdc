/**
 * The ledger sheet's row and columns, apart from its writer (ledger-writer.ts): the server's
 * thread packs rows by these fields for the writer thread, and must not load exceljs and docx
 * (some 15 MB of heap) just to know them.
 */

/** One row of the ledger's sheet: a measure in a period, every text already worded. */
export type LedgerRow = {
  department: string;
  itemNo: number;
  item: string;
  measure: string;
  period: string;
  dueOn: string;
  state: string;
  status: string;
  text: string;
  evidence: string;
  late: string;
  submittedBy: string;
  submittedAt: string;
  version: string;
};

export const COLUMNS = [
  { field: 'department', width: 16 },
  { field: 'itemNo', width: 8 },
  { field: 'item', width: 36 },
  { field: 'measure', width: 36 },
  { field: 'period', width: 14 },
  { field: 'dueOn', width: 13 },
  { field: 'state', width: 12 },
  { field: 'status', width: 10 },
  { field: 'text', width: 44 },
  { field: 'evidence', width: 30 },
  { field: 'late', width: 8 },
  { field: 'submittedBy', width: 12 },
  { field: 'submittedAt', width: 17 },
  { field: 'version', width: 6 },
] as const satisfies readonly {
  field: keyof LedgerRow;
  width: number;
}[];

/** The row's fields in the sheet's order. */
export const LEDGER_FIELDS = COLUMNS.map((column) => column.field);
