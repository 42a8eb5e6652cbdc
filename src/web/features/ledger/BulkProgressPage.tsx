import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  type DepartmentLedger,
  ledgerApi,
  type PeriodSheetPreview,
  type ProgressReportView,
} from '../../../shared/api/ledger';
import { type DepartmentObligations, obligationsApi } from '../../../shared/api/obligations';
import { todoApi } from '../../../shared/api/todo';
import type { MessageKey } from '../../../shared/i18n/messages';
import { reportStatuses, type ReportStatus, periodLabel } from '../../../shared/ledger/periods';
import { ApiError, call, hrefOf, upload } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { errorText } from '../../usePlanTree';

/** One department's one period: where its reports and its period sheet go. */
interface PeriodParams {
  id: string;
  departmentId: string;
  periodKey: string;
}
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';
import { StateTag, statusColors } from './ProgressPage';

type LedgerMeasure = DepartmentLedger['measures'][number];
type Obligation = DepartmentObligations['obligations'][number]['obligation'];

/** What the person has typed for one measure, before it is reported. */
interface Draft {
  status: ReportStatus | null;
  text: string;
  evidenceIds: string[];
  /** Also counted as an occurrence of this obligation, on this day. */
  occurrence: { obligationId: string; occurredOn: string } | null;
}

const draftOf = (last: ProgressReportView | undefined): Draft => ({
  status: last?.status ?? null,
  text: last?.text ?? '',
  evidenceIds: last?.evidence.map((item) => item.id) ?? [],
  occurrence: null,
});

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, index) => id === b[index]);

/** A draft that says something the period's report does not say yet. */
function isDirty(draft: Draft, last: ProgressReportView | undefined): boolean {
  if (!draft.status || !draft.text.trim()) return false;
  if (!last) return true;
  return (
    draft.status !== last.status ||
    draft.text.trim() !== last.text ||
    !sameIds(
      draft.evidenceIds,
      last.evidence.map((item) => item.id),
    ) ||
    draft.occurrence !== null
  );
}

/** The period sheet filled in offline, uploaded back: the server's preview, then — when confirmed — applied. */
function PeriodSheetUpload({
  params,
  onApplied,
}: {
  params: PeriodParams;
  onApplied(): Promise<void>;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<PeriodSheetPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function read(chosen: File) {
    setFile(chosen);
    setPreview(null);
    setError(null);
    setBusy(true);
    try {
      setPreview(
        await upload(ledgerApi.uploadPeriodSheet, chosen, { params, query: { dryRun: 'true' } }),
      );
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!file || !preview) return;
    setBusy(true);
    try {
      const outcome = await upload(ledgerApi.uploadPeriodSheet, file, {
        params,
        query: { basedOn: preview.token },
      });
      setFile(null);
      message.success(t('bulk.sheet.applied', { count: outcome.changes.length }), 8);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null);
      setPreview(null);
    } finally {
      setBusy(false);
      await onApplied();
    }
  }

  const close = () => {
    setFile(null);
    setPreview(null);
    setError(null);
  };
  return (
    <>
      <Upload
        accept=".xlsx"
        showUploadList={false}
        beforeUpload={(chosen) => {
          void read(chosen);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} data-testid="upload-period-sheet">
          {t('bulk.sheet.upload')}
        </Button>
      </Upload>
      <Modal
        open={file !== null}
        title={t('bulk.sheet.previewTitle')}
        width={960}
        onCancel={close}
        maskClosable={false}
        footer={[
          <Button key="cancel" onClick={close}>
            {t('measure.cancel')}
          </Button>,
          <Button
            key="apply"
            type="primary"
            data-testid="apply-period-sheet"
            loading={busy && preview !== null}
            disabled={!preview || preview.problems.length > 0 || preview.changes.length === 0}
            onClick={() => void apply()}
          >
            {t('bulk.sheet.apply', { count: preview?.changes.length ?? 0 })}
          </Button>,
        ]}
      >
        {file && (
          <Typography.Paragraph type="secondary">
            {t('sheet.preview.file', { file: file.name })}
          </Typography.Paragraph>
        )}
        {busy && !preview && <Spin style={{ display: 'block', margin: '24px auto' }} />}
        {error && (
          <Alert
            type="error"
            showIcon
            data-testid="period-sheet-error"
            message={error.message}
            description={t('bulk.sheet.nothingChanged')}
          />
        )}
        {preview && (
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            <Alert
              type={preview.problems.length > 0 ? 'error' : 'info'}
              showIcon
              data-testid="period-sheet-verdict"
              message={
                preview.problems.length > 0
                  ? t('sheet.preview.problems', { count: preview.problems.length })
                  : t('bulk.sheet.ready', {
                      period: periodLabel(preview.period.key, locale),
                      count: preview.changes.length,
                      unchanged: preview.unchanged,
                      blank: preview.blank,
                    })
              }
            />
            {preview.problems.length > 0 && (
              <Table
                size="small"
                pagination={false}
                rowKey={(problem) => `${problem.row}-${problem.code}`}
                dataSource={preview.problems}
                columns={[
                  {
                    title: t('sheet.column.row'),
                    dataIndex: 'row',
                    width: 90,
                    render: (row: number) => t('sheet.row', { row }),
                  },
                  {
                    title: t('sheet.column.problem'),
                    dataIndex: 'message',
                    render: (text: string) => (
                      <Typography.Text type="danger">{text}</Typography.Text>
                    ),
                  },
                ]}
              />
            )}
            {preview.changes.length > 0 && (
              <Table
                size="small"
                pagination={false}
                rowKey="measureId"
                dataSource={preview.changes}
                onRow={() =>
                  ({ 'data-testid': 'period-sheet-change' }) as React.HTMLAttributes<HTMLElement>
                }
                columns={[
                  {
                    title: t('sheet.column.row'),
                    dataIndex: 'row',
                    width: 80,
                    render: (row: number) => t('sheet.row', { row }),
                  },
                  {
                    title: t('bulk.column.measure'),
                    dataIndex: 'measureText',
                    render: (text: string, change) => `${change.itemNo}. ${text}`,
                  },
                  {
                    title: t('sheet.column.before'),
                    dataIndex: 'before',
                    render: (before: PeriodSheetPreview['changes'][number]['before']) =>
                      before ? (
                        <span>
                          <Tag>{t(`progress.status.${before.status}` as MessageKey)}</Tag>
                          {before.text}
                        </span>
                      ) : (
                        '—'
                      ),
                  },
                  {
                    title: t('sheet.column.after'),
                    dataIndex: 'after',
                    render: (after: PeriodSheetPreview['changes'][number]['after'], change) => (
                      <span>
                        <Tag color={statusColors[after.status]}>
                          {t(`progress.status.${after.status}` as MessageKey)}
                        </Tag>
                        {after.text}
                        {change.sameAsPrevious && <Tag>{t('bulk.sameAsPrevious')}</Tag>}
                      </span>
                    ),
                  },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}

function MeasureRow({
  measure,
  last,
  previous,
  previousLabel,
  state,
  draft,
  obligations,
  today,
  onChange,
}: {
  measure: LedgerMeasure;
  last: ProgressReportView | undefined;
  previous: ProgressReportView | undefined;
  previousLabel: string | null;
  state: LedgerMeasure['periods'][number]['state'];
  draft: Draft;
  obligations: Obligation[];
  today: string;
  onChange(draft: Draft): void;
}) {
  const { t } = useI18n();
  const dirty = isDirty(draft, last);
  const noProgress = t('bulk.noProgressText');
  return (
    <div
      className={`bulk-row${dirty ? ' dirty' : ''}`}
      data-testid="bulk-row"
      data-item-no={measure.item.no}
    >
      <div className="bulk-measure">
        <div className="bulk-head">
          <span className="item-no">{measure.item.no}</span>
          <StateTag state={state} />
          {last && <Tag>{t('progress.version', { version: last.version })}</Tag>}
        </div>
        <Typography.Paragraph strong style={{ margin: '4px 0' }}>
          {measure.text}
        </Typography.Paragraph>
        <Typography.Paragraph
          type="secondary"
          ellipsis={{ rows: 1, expandable: true, symbol: t('progress.more') }}
          style={{ margin: 0, fontSize: 12 }}
        >
          {measure.item.content}
        </Typography.Paragraph>
        {previous && (
          <div className="bulk-previous" data-testid="bulk-previous">
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('bulk.previous', { period: previousLabel ?? '' })}
            </Typography.Text>{' '}
            <Tag color={statusColors[previous.status]}>
              {t(`progress.status.${previous.status}` as MessageKey)}
            </Tag>
            <span className="bulk-previous-text">{previous.text}</span>
          </div>
        )}
      </div>
      <div className="bulk-form">
        <Space wrap size={[6, 6]}>
          <Select
            style={{ width: 140 }}
            placeholder={t('progress.status')}
            aria-label={t('progress.status')}
            data-testid="bulk-status"
            value={draft.status ?? undefined}
            onChange={(status: ReportStatus) => onChange({ ...draft, status })}
            options={reportStatuses.map((status) => ({
              value: status,
              label: t(`progress.status.${status}` as MessageKey),
            }))}
          />
          <Button
            size="small"
            data-testid="bulk-same"
            disabled={!previous}
            title={previous ? undefined : t('bulk.noPrevious')}
            onClick={() =>
              previous &&
              onChange({
                ...draft,
                status: previous.status,
                text: previous.text,
                evidenceIds: previous.evidence.map((item) => item.id),
              })
            }
          >
            {t('bulk.sameAsPrevious')}
          </Button>
          <Button
            size="small"
            data-testid="bulk-no-progress"
            onClick={() =>
              onChange({
                ...draft,
                status: draft.status ?? previous?.status ?? 'on_track',
                text: noProgress,
              })
            }
          >
            {t('bulk.noProgress')}
          </Button>
        </Space>
        <Input.TextArea
          style={{ marginTop: 6 }}
          autoSize={{ minRows: 2, maxRows: 8 }}
          maxLength={5000}
          aria-label={t('progress.text')}
          placeholder={t('progress.text.placeholder')}
          data-testid="bulk-text"
          value={draft.text}
          onChange={(event) => onChange({ ...draft, text: event.target.value })}
        />
        {draft.text.trim() !== '' && !draft.status && (
          <Typography.Text type="warning" style={{ fontSize: 12 }}>
            {t('bulk.statusNeeded')}
          </Typography.Text>
        )}
        <div style={{ marginTop: 6 }}>
          <EvidenceField
            value={draft.evidenceIds}
            onChange={(evidenceIds) => onChange({ ...draft, evidenceIds })}
            known={[...(last?.evidence ?? []), ...(previous?.evidence ?? [])]}
          />
        </div>
        {obligations.length > 0 && (
          <div className="bulk-occurrence">
            <Checkbox
              data-testid="bulk-also-occurrence"
              checked={draft.occurrence !== null}
              onChange={(event) =>
                onChange({
                  ...draft,
                  occurrence: event.target.checked
                    ? { obligationId: obligations[0]!.id, occurredOn: today }
                    : null,
                })
              }
            >
              {t('bulk.alsoOccurrence')}
            </Checkbox>
            {draft.occurrence && (
              <Space wrap size={[6, 6]} style={{ marginTop: 4 }}>
                <Select
                  style={{ minWidth: 200 }}
                  aria-label={t('bulk.obligation')}
                  value={draft.occurrence.obligationId}
                  onChange={(obligationId: string) =>
                    onChange({ ...draft, occurrence: { ...draft.occurrence!, obligationId } })
                  }
                  options={obligations.map((obligation) => ({
                    value: obligation.id,
                    label:
                      obligation.note ??
                      t('obligations.describe.frequency', {
                        period: obligation.period
                          ? t(`obligations.period.${obligation.period}` as MessageKey)
                          : '',
                        count: obligation.minimumCount ?? '',
                      }),
                  }))}
                />
                <Input
                  type="date"
                  style={{ width: 160 }}
                  aria-label={t('bulk.occurredOn')}
                  max={today}
                  value={draft.occurrence.occurredOn}
                  onChange={(event) =>
                    onChange({
                      ...draft,
                      occurrence: { ...draft.occurrence!, occurredOn: event.target.value },
                    })
                  }
                />
              </Space>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

/** 整期报送: a department reports a whole period on one page, or through its period sheet. */
export default function BulkProgressPage({ departmentId }: { departmentId: string }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { planId, error: planError } = usePlan();
  const input = planId ? { params: { id: planId, departmentId } } : null;
  const ledger = useOperation(ledgerApi.department, input);
  // The obligations only offer occurrences to record with a report: without them the page still works.
  const dutiesQuery = useOperation(obligationsApi.ofDepartment, input);
  const view: DepartmentLedger | null = ledger.data ?? null;
  const duties = dutiesQuery.data ?? null;
  const invalidate = useInvalidate();
  const [periodKey, setPeriodKey] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [saving, setSaving] = useState(false);
  // Reports change this ledger, the office's ledger, the obligations they recorded and the to-do list.
  const reload = async () => {
    await invalidate(
      ledgerApi.department,
      ledgerApi.overview,
      obligationsApi.ofDepartment,
      obligationsApi.compliance,
      todoApi.mine,
    );
  };

  const periods = view?.settings.periods ?? [];
  const today = view?.settings.today ?? '';
  const suggested = useMemo(() => {
    if (!view) return null;
    const pending = periods.find((period) =>
      view.measures.some((measure) =>
        ['missing', 'open'].includes(
          measure.periods.find((cell) => cell.periodKey === period.key)?.state ?? '',
        ),
      ),
    );
    return pending?.key ?? view.settings.currentPeriodKey;
  }, [view, periods]);
  useEffect(() => {
    if (periodKey === null && suggested) setPeriodKey(suggested);
  }, [periodKey, suggested]);

  const index = periods.findIndex((period) => period.key === periodKey);
  const chosen = index >= 0 ? periods[index]! : null;
  const previousPeriod = index > 0 ? periods[index - 1]! : null;
  const cellOf = (measure: LedgerMeasure, key: string | undefined) =>
    measure.periods.find((cell) => cell.periodKey === key);

  // The drafts start from what the period's reports say, whenever the period or the reports change.
  useEffect(() => {
    if (!view || !chosen) return;
    setDrafts(
      Object.fromEntries(
        view.measures.map((measure) => [
          measure.id,
          draftOf(cellOf(measure, chosen.key)?.versions.at(-1)),
        ]),
      ),
    );
  }, [view, chosen?.key]);

  const obligationsOf = (itemId: string): Obligation[] =>
    (duties?.obligations ?? [])
      .map((entry) => entry.obligation)
      .filter((obligation) => obligation.item.id === itemId && !obligation.countedByReadings);

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (!view || !planId) return <QueryView query={ledger}>{() => null}</QueryView>;
  const periodParams = (key: string): PeriodParams => ({
    id: planId,
    departmentId,
    periodKey: key,
  });

  const ready = view.breakdownStatus === 'approved' && view.settings.settings !== null;
  const rows = chosen
    ? view.measures.map((measure) => ({
        measure,
        cell: cellOf(measure, chosen.key)!,
        last: cellOf(measure, chosen.key)?.versions.at(-1),
        previous: cellOf(measure, previousPeriod?.key)?.versions.at(-1),
        draft: drafts[measure.id] ?? draftOf(undefined),
      }))
    : [];
  const dirty = rows.filter((row) => isDirty(row.draft, row.last));
  const started = chosen ? chosen.startsOn <= today : false;

  const setDraft = (measureId: string, draft: Draft) =>
    setDrafts((current) => ({ ...current, [measureId]: draft }));

  function copyPrevious() {
    let copied = 0;
    setDrafts((current) => {
      const next = { ...current };
      for (const row of rows) {
        if (!row.previous || row.last || (current[row.measure.id]?.text ?? '').trim()) continue;
        next[row.measure.id] = {
          status: row.previous.status,
          text: row.previous.text,
          evidenceIds: row.previous.evidence.map((item) => item.id),
          occurrence: null,
        };
        copied += 1;
      }
      return next;
    });
    message.info(t('bulk.copied', { count: copied }));
  }

  async function save() {
    if (!chosen) return;
    setSaving(true);
    try {
      const result = await call(ledgerApi.reportPeriod, {
        params: periodParams(chosen.key),
        body: {
          // A changed row always has a status (isDirty); the flatMap says so to the types.
          reports: dirty.flatMap(({ measure, last, draft: { status, ...draft } }) =>
            status
              ? [
                  {
                    measureId: measure.id,
                    basedOnVersion: last?.version ?? 0,
                    status,
                    text: draft.text.trim(),
                    evidenceIds: draft.evidenceIds,
                    ...(draft.occurrence ? { occurrence: draft.occurrence } : {}),
                  },
                ]
              : [],
          ),
        },
      });
      message.success(
        result.occurrences > 0
          ? t('bulk.savedWithOccurrences', {
              count: result.reports.length,
              occurrences: result.occurrences,
            })
          : t('bulk.saved', { count: result.reports.length }),
        6,
      );
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 10);
    } finally {
      setSaving(false);
      await reload();
    }
  }

  const incomplete = rows.filter((row) => row.draft.text.trim() !== '' && !row.draft.status).length;
  const saveBar = (
    <Space wrap className="bulk-actions">
      <Button
        type="primary"
        data-testid="bulk-save"
        loading={saving}
        disabled={dirty.length === 0 || !started}
        onClick={() => void save()}
      >
        {t('bulk.save', { count: dirty.length })}
      </Button>
      <Typography.Text type="secondary" data-testid="bulk-save-why">
        {!started
          ? t('progress.notYet')
          : incomplete > 0
            ? t('bulk.incomplete', { count: incomplete })
            : dirty.length === 0
              ? t('bulk.nothingToSave')
              : t('bulk.willSave', { count: dirty.length })}
      </Typography.Text>
    </Space>
  );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('bulk.title', { department: view.department.name })}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('bulk.intro')}</Typography.Paragraph>
        {!ready ? (
          <Alert
            type="info"
            showIcon
            message={
              view.breakdownStatus !== 'approved'
                ? t('progress.next.notApproved')
                : t('progress.next.notConfigured')
            }
          />
        ) : (
          <Space wrap>
            <Typography.Text>{t('progress.period')}</Typography.Text>
            <Select
              style={{ minWidth: 260 }}
              value={periodKey ?? undefined}
              onChange={setPeriodKey}
              aria-label={t('progress.period')}
              data-testid="bulk-period"
              options={periods
                .filter((period) => period.startsOn <= today || period.key === periodKey)
                .map((period) => ({
                  value: period.key,
                  label: `${periodLabel(period.key, locale)}${t('punct.open')}${t('progress.due', { date: period.dueOn })}${t('punct.close')}`,
                }))}
            />
            <Button onClick={() => navigate('/progress')}>{t('bulk.onePerMeasure')}</Button>
          </Space>
        )}
      </Card>
      {ready && chosen && view.measures.length > 0 ? (
        <Card
          size="small"
          title={t('progress.measures', {
            period: periodLabel(chosen.key, locale),
            dueOn: chosen.dueOn,
          })}
          extra={
            <Space wrap>
              <Button
                data-testid="bulk-copy-previous"
                disabled={!previousPeriod || !started}
                onClick={copyPrevious}
              >
                {t('bulk.copyPrevious')}
              </Button>
              <Button
                icon={<DownloadOutlined />}
                data-testid="download-period-sheet"
                href={hrefOf(ledgerApi.exportPeriodSheet, { params: periodParams(chosen.key) })}
                disabled={!started}
              >
                {t('bulk.sheet.download')}
              </Button>
              {started && (
                <PeriodSheetUpload params={periodParams(chosen.key)} onApplied={reload} />
              )}
            </Space>
          }
        >
          {rows.map((row) => (
            <MeasureRow
              key={`${row.measure.id}/${chosen.key}`}
              measure={row.measure}
              last={row.last}
              previous={row.previous}
              previousLabel={previousPeriod ? periodLabel(previousPeriod.key, locale) : null}
              state={row.cell.state}
              draft={row.draft}
              obligations={obligationsOf(row.measure.item.id)}
              today={today}
              onChange={(draft) => setDraft(row.measure.id, draft)}
            />
          ))}
          <div className="bulk-footer">{saveBar}</div>
        </Card>
      ) : (
        ready && <Empty description={t('progress.empty')} />
      )}
    </Space>
  );
}
