import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  type DepartmentLedger,
  ledgerApi,
  type ProgressReportView,
} from '../../../shared/api/ledger';
import { todoApi } from '../../../shared/api/todo';
import type { CellState, ReportStatus } from '../../../shared/ledger/periods';
import { reportStatuses, periodLabel } from '../../../shared/ledger/periods';
import type { MessageKey } from '../../../shared/i18n/messages';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { EvidenceField, EvidenceList } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { errorText } from '../../usePlanTree';
import { useI18n } from '../../i18n';
import { usePlan } from '../../usePlan';
import { formatTime } from '../../time';

type LedgerMeasure = DepartmentLedger['measures'][number];

export const stateColors: Record<CellState, string> = {
  upcoming: 'default',
  open: 'processing',
  missing: 'error',
  reported: 'success',
  late: 'warning',
  closed: 'cyan',
};
export const statusColors: Record<ReportStatus, string> = {
  not_started: 'default',
  on_track: 'blue',
  done: 'green',
  at_risk: 'orange',
  blocked: 'red',
};

export function StateTag({ state }: { state: CellState }) {
  const { t } = useI18n();
  return (
    <Tag color={stateColors[state]} data-testid="report-state">
      {t(`ledger.state.${state}` as MessageKey)}
    </Tag>
  );
}

function ReportForm({
  last,
  onSubmit,
  onCancel,
}: {
  last: ProgressReportView | undefined;
  onSubmit(values: { status: ReportStatus; text: string; evidenceIds: string[] }): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ status: ReportStatus; text: string; evidenceIds: string[] }>();
  const [busy, setBusy] = useState(false);
  return (
    <Form
      form={form}
      layout="vertical"
      className="report-form"
      data-testid="report-form"
      initialValues={{
        status: last?.status ?? 'on_track',
        text: last?.text ?? '',
        evidenceIds: last?.evidence.map((item) => item.id) ?? [],
      }}
      onFinish={async (values) => {
        setBusy(true);
        try {
          await onSubmit({
            ...values,
            text: values.text.trim(),
            evidenceIds: values.evidenceIds ?? [],
          });
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item name="status" label={t('progress.status')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={reportStatuses.map((status) => ({
            value: status,
            label: t(`progress.status.${status}` as MessageKey),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="text"
        label={t('progress.text')}
        rules={[{ required: true, whitespace: true, message: t('progress.text.required') }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={5000}
          showCount
          placeholder={t('progress.text.placeholder')}
        />
      </Form.Item>
      <Form.Item name="evidenceIds" label={t('progress.evidence')}>
        <EvidenceField known={last?.evidence ?? []} />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="submit-report">
          {last ? t('progress.submitNewVersion') : t('progress.submit')}
        </Button>
        <Button onClick={onCancel}>{t('measure.cancel')}</Button>
      </Space>
    </Form>
  );
}

function History({ versions }: { versions: ProgressReportView[] }) {
  const { t } = useI18n();
  if (versions.length < 2) return null;
  return (
    <details className="report-history" data-testid="report-history">
      <summary>{t('progress.history', { count: versions.length })}</summary>
      <Timeline
        style={{ marginTop: 8 }}
        items={[...versions].reverse().map((version) => ({
          color: version.late ? 'orange' : 'blue',
          children: (
            <div>
              <Typography.Text strong>
                {t('progress.version', { version: version.version })}
              </Typography.Text>
              {' · '}
              {formatTime(version.submittedAt)} · {version.submittedBy} ·{' '}
              <Tag color={statusColors[version.status]}>
                {t(`progress.status.${version.status}` as MessageKey)}
              </Tag>
              {version.late && <Tag color="orange">{t('ledger.lateTag')}</Tag>}
              <div className="report-text">{version.text}</div>
              <EvidenceList items={version.evidence} />
            </div>
          ),
        }))}
      />
    </details>
  );
}

function MeasureCard({
  measure,
  periodKey,
  params,
  onSaved,
  periodLabels,
}: {
  measure: LedgerMeasure;
  periodKey: string;
  params: { id: string; departmentId: string };
  onSaved(): Promise<void>;
  periodLabels: Map<string, string>;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const cell = measure.periods.find((period) => period.periodKey === periodKey);
  if (!cell) return null;
  const last = cell.versions.at(-1);
  const canReport = cell.state !== 'upcoming';

  async function submit(values: { status: ReportStatus; text: string; evidenceIds: string[] }) {
    try {
      await call(ledgerApi.report, {
        params,
        body: { measureId: measure.id, periodKey, basedOnVersion: last?.version ?? 0, ...values },
      });
      message.success(t('progress.saved'));
      setEditing(false);
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 8);
    } finally {
      await onSaved();
    }
  }

  return (
    <div className="progress-measure" data-testid="progress-measure" data-item-no={measure.item.no}>
      <div className="item-no">{measure.item.no}</div>
      <div className="progress-body">
        <Typography.Paragraph
          type="secondary"
          ellipsis={{ rows: 2, expandable: true, symbol: t('progress.more') }}
          style={{ marginBottom: 2, fontSize: 13 }}
        >
          {measure.item.content}
        </Typography.Paragraph>
        <Typography.Paragraph strong style={{ marginBottom: 6 }}>
          {measure.text}
        </Typography.Paragraph>
        <Space size={4} wrap className="period-strip" aria-label={t('progress.strip')}>
          {measure.periods.map((period) => (
            <span
              key={period.periodKey}
              className={`period-dot state-${period.state}${period.periodKey === periodKey ? ' current' : ''}`}
              title={`${periodLabels.get(period.periodKey) ?? period.periodKey}${t('punct.colon')}${t(`ledger.state.${period.state}` as MessageKey)}`}
            />
          ))}
        </Space>
        <div style={{ marginTop: 6 }}>
          <StateTag state={cell.state} />
          {last && (
            <>
              <Tag color={statusColors[last.status]}>
                {t(`progress.status.${last.status}` as MessageKey)}
              </Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('progress.lastBy', {
                  version: last.version,
                  by: last.submittedBy,
                  at: formatTime(last.submittedAt),
                })}
              </Typography.Text>
            </>
          )}
        </div>
        {last && !editing && (
          <div className="report-current">
            <div className="report-text">{last.text}</div>
            <EvidenceList items={last.evidence} />
          </div>
        )}
        {editing ? (
          <ReportForm last={last} onSubmit={submit} onCancel={() => setEditing(false)} />
        ) : canReport ? (
          <Button
            type={last ? 'default' : 'primary'}
            style={{ marginTop: 8 }}
            onClick={() => setEditing(true)}
            data-testid="open-report"
          >
            {last ? t('progress.update') : t('progress.report')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('progress.notYet')}</Typography.Text>
        )}
        <History versions={cell.versions} />
      </div>
    </div>
  );
}

/** The liaison's 进度报送: each approved measure for the chosen period, with what to do next. */
export default function ProgressPage({ departmentId }: { departmentId: string }) {
  const { t, locale } = useI18n();
  const { planId, error: planError } = usePlan();
  const [periodKey, setPeriodKey] = useState<string | null>(null);
  const params = planId ? { id: planId, departmentId } : null;
  const ledger = useOperation(ledgerApi.department, params && { params });
  const view = ledger.data ?? null;
  const invalidate = useInvalidate();
  // A report changes this ledger, the office's ledger and the to-do list.
  const reload = async () => {
    await invalidate(ledgerApi.department, ledgerApi.overview, todoApi.mine);
  };

  const periods = view?.settings.periods ?? [];
  const labels = useMemo(
    () => new Map(periods.map((period) => [period.key, periodLabel(period.key, locale)])),
    [periods],
  );
  /** The period to work on: the earliest one still missing or open, else the current one. */
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

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (!view || !params) return <QueryView query={ledger}>{() => null}</QueryView>;

  const today = view.settings.today;
  const chosen = periods.find((period) => period.key === periodKey) ?? null;
  const cells = chosen
    ? view.measures.map((measure) => measure.periods.find((cell) => cell.periodKey === chosen.key)!)
    : [];
  /** Reports owed for other periods than the one shown, past their due day. */
  const missing = view.measures.reduce(
    (sum, measure) =>
      sum +
      measure.periods.filter((cell) => cell.state === 'missing' && cell.periodKey !== chosen?.key)
        .length,
    0,
  );
  const toReport = cells.filter((cell) => cell.state === 'open' || cell.state === 'missing').length;
  let nextStep: { type: 'info' | 'warning' | 'success'; text: string };
  if (view.breakdownStatus !== 'approved')
    nextStep = { type: 'info', text: t('progress.next.notApproved') };
  else if (!view.settings.settings)
    nextStep = { type: 'info', text: t('progress.next.notConfigured') };
  else if (view.measures.length === 0)
    nextStep = { type: 'info', text: t('progress.next.noMeasures') };
  else if (chosen && toReport > 0) {
    const overdue = today > chosen.dueOn;
    nextStep = {
      type: missing > 0 || overdue ? 'warning' : 'info',
      text:
        t('progress.next.report', {
          count: toReport,
          period: periodLabel(chosen.key, locale),
          dueOn: chosen.dueOn,
        }) +
        (overdue ? t('progress.next.overdue') : '') +
        (missing > 0 ? t('progress.next.missing', { count: missing }) : ''),
    };
  } else if (missing > 0)
    nextStep = { type: 'warning', text: t('progress.next.missingOnly', { count: missing }) };
  else {
    const upcoming = periods.find((period) => period.startsOn > today);
    nextStep = {
      type: 'success',
      text: upcoming
        ? t('progress.next.doneUntil', {
            period: periodLabel(upcoming.key, locale),
            startsOn: upcoming.startsOn,
          })
        : t('progress.next.allDone'),
    };
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('progress.title', { department: view.department.name })}
        </Typography.Title>
        {view.settings.settings && (
          <Typography.Paragraph type="secondary">
            {t('progress.rule', {
              frequency: t(`ledger.frequency.${view.settings.settings.frequency}` as MessageKey),
              dueDay: view.settings.settings.dueDay,
            })}
          </Typography.Paragraph>
        )}
        <Alert type={nextStep.type} showIcon message={nextStep.text} data-testid="next-step" />
        {periods.length > 0 && (
          <Space wrap style={{ marginTop: 12 }}>
            <Typography.Text>{t('progress.period')}</Typography.Text>
            <Select
              style={{ minWidth: 260 }}
              value={periodKey ?? undefined}
              onChange={setPeriodKey}
              aria-label={t('progress.period')}
              data-testid="period-select"
              options={periods
                .filter((period) => period.startsOn <= today || period.key === periodKey)
                .map((period) => ({
                  value: period.key,
                  label: `${periodLabel(period.key, locale)}${t('punct.open')}${t('progress.due', { date: period.dueOn })}${t('punct.close')}`,
                }))}
            />
          </Space>
        )}
      </Card>
      {chosen && view.measures.length > 0 ? (
        <Card
          size="small"
          title={t('progress.measures', {
            period: periodLabel(chosen.key, locale),
            dueOn: chosen.dueOn,
          })}
        >
          {view.measures.map((measure) => (
            <MeasureCard
              key={`${measure.id}/${chosen.key}`}
              measure={measure}
              periodKey={chosen.key}
              params={params}
              onSaved={reload}
              periodLabels={labels}
            />
          ))}
        </Card>
      ) : (
        view.breakdownStatus === 'approved' &&
        view.settings.settings && <Empty description={t('progress.empty')} />
      )}
    </Space>
  );
}
