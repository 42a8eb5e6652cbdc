import { writeConductCaseDocx } from './conduct-case-writer';
import { writeFindingsXlsx } from './findings-writer';
import {
  type LedgerRow,
  type LedgerTable,
  streamLedgerXlsx,
  writeLedgerXlsx,
} from './ledger-writer';
import { type PackedRows, unpackRows } from './packed-rows';
import { writePerformanceSheetXlsx } from './performance-sheet-writer';
import { writePeriodSheetXlsx } from './period-sheet-writer';
import { writeQualityReportDocx } from './quality-report-writer';
import { writeSupervisionNotice } from './supervision-notice-writer';
import {
  writeSurveyLinksXlsx,
  writeSurveyReportDocx,
  writeSurveyResultsXlsx,
} from './survey-writers';
import { writeTaskBreakdownDocx, writeTaskBreakdownXlsx } from './task-breakdown-writer';
import { writeThirdPartyTemplateXlsx } from './third-party-sheet-writer';
import { writeOneTimePasswordsXlsx, writeUserTemplateXlsx } from './user-sheet-writer';

/**
 * Every file the app writes from plain data, by name, so that document-writer-pool.ts can write
 * it in a worker thread: a name and arguments cross to the worker, never a function. A writer's
 * arguments must therefore survive a structured clone (plain objects, arrays, strings, numbers,
 * dates; no functions, no class instances). A writer answers the file's bytes, or an async
 * iterable of its chunks (`streamDocument`). The audit log's export is not here: it streams its
 * rows from the database in batches as it writes them.
 */
export const documentWriters = {
  conductCaseDocx: writeConductCaseDocx,
  findingsXlsx: writeFindingsXlsx,
  // A year's ledger is thousands of rows that repeat their measures' texts: packed to cross.
  ledgerXlsx: (table: Omit<LedgerTable, 'rows'> & { rows: PackedRows<LedgerRow> }) =>
    writeLedgerXlsx({ ...table, rows: unpackRows(table.rows) }),
  // The same, streamed as it is written (the ledger's download).
  ledgerXlsxStream: (table: Omit<LedgerTable, 'rows'> & { rows: PackedRows<LedgerRow> }) =>
    streamLedgerXlsx({ ...table, rows: unpackRows(table.rows) }),
  oneTimePasswordsXlsx: writeOneTimePasswordsXlsx,
  performanceSheetXlsx: writePerformanceSheetXlsx,
  periodSheetXlsx: writePeriodSheetXlsx,
  qualityReportDocx: writeQualityReportDocx,
  supervisionNoticeDocx: writeSupervisionNotice,
  surveyLinksXlsx: writeSurveyLinksXlsx,
  surveyReportDocx: writeSurveyReportDocx,
  surveyResultsXlsx: writeSurveyResultsXlsx,
  taskBreakdownDocx: writeTaskBreakdownDocx,
  taskBreakdownXlsx: writeTaskBreakdownXlsx,
  thirdPartyTemplateXlsx: writeThirdPartyTemplateXlsx,
  userTemplateXlsx: writeUserTemplateXlsx,
} as const;

export type DocumentWriters = typeof documentWriters;
export type DocumentWriterName = keyof DocumentWriters;
