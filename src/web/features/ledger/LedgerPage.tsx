import { DownloadOutlined, SettingOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  ledgerApi,
  type LedgerOverview,
  type LedgerRow,
  type LedgerSettingsView,
} from '../../../shared/api/ledger';
import { plansApi } from '../../../shared/api/plans';
import {
  cellStates,
  reportingFrequencies,
  reportStatuses,
  type CellState,
  type ReportStatus,
  periodLabel,
} from '../../../shared/ledger/periods';
import type { MessageKey } from '../../../shared/i18n/messages';
import { defaultReportingMonths } from '../../../shared/plan-dates';
import { call, hrefOf } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { EvidenceList } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { errorText } from '../../usePlanTree';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { usePlan } from '../../usePlan';
import { StateTag, statusColors } from './ProgressPage';
import { formatTime } from '../../time';

interface Filters {
  departmentId?: string;
  itemNo?: number;
  itemFrom?: number;
  itemTo?: number;
  periodKey?: string;
  state?: CellState;
  status?: ReportStatus;
  search?: string;
}

function filtersFromAddress(): Filters {
  const number = (name: string) => (searchParam(name) ? Number(searchParam(name)) : undefined);
  const filters: Filters = {
    departmentId: searchParam('departmentId'),
    itemNo: number('itemNo'),
    itemFrom: number('itemFrom'),
    itemTo: number('itemTo'),
    periodKey: searchParam('periodKey'),
    state: searchParam('state') as CellState | undefined,
    status: searchParam('status') as ReportStatus | undefined,
  };
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
}

/** Rows a page of the ledger shows; the server answers one page at a time. */
const PAGE_SIZE = 50;

/** The filters the server is sent: an emptied field (a cleared search) is no filter. */
function queryOf(filters: Filters): Filters {
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== undefined && value !== ''),
  );
}

function SettingsForm({
  planId,
  view,
  onSaved,
}: {
  planId: string;
  view: LedgerSettingsView;
  onSaved(next: LedgerSettingsView): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const current = view.settings;
  // Without settings yet, the periods proposed are the execute phase's months.
  useEffect(() => {
    if (current) return;
    call(plansApi.get, { params: { id: planId } }).then(
      (plan) => form.setFieldsValue(defaultReportingMonths(plan.phases, view.today)),
      () => undefined,
    );
  }, [current, planId, view.today, form]);
  return (
    <Form
      form={form}
      layout="inline"
      style={{ rowGap: 8 }}
      data-testid="ledger-settings"
      initialValues={
        current ?? {
          frequency: 'monthly',
          dueDay: 5,
          ...defaultReportingMonths([], view.today),
        }
      }
      onFinish={async (values) => {
        try {
          const next = await call(ledgerApi.setSettings, {
            params: { id: planId },
            body: { ...values, ...(current ? { version: current.version } : {}) },
          });
          message.success(t('ledger.settings.saved', { count: next.periods.length }));
          onSaved(next);
        } catch (caught) {
          message.error(errorText(caught, t('error.network')), 8);
        }
      }}
    >
      <Form.Item name="frequency" label={t('ledger.settings.frequency')}>
        <Select
          style={{ width: 120 }}
          options={reportingFrequencies.map((frequency) => ({
            value: frequency,
            label: t(`ledger.frequency.${frequency}` as MessageKey),
          }))}
        />
      </Form.Item>
      <Form.Item name="dueDay" label={t('ledger.settings.dueDay')} rules={[{ required: true }]}>
        <InputNumber min={1} max={28} style={{ width: 80 }} />
      </Form.Item>
      <Form.Item
        name="firstPeriod"
        label={t('ledger.settings.first')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}$/ }]}
      >
        <Input type="month" style={{ width: 150 }} />
      </Form.Item>
      <Form.Item
        name="lastPeriod"
        label={t('ledger.settings.last')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}$/ }]}
      >
        <Input type="month" style={{ width: 150 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {t('ledger.settings.save')}
      </Button>
    </Form>
  );
}

/** Departments × periods, each cell the worst state of the department's measures in that period. */
function Matrix({
  overview,
  onPick,
}: {
  overview: LedgerOverview;
  onPick(departmentId: string, periodKey: string): void;
}) {
  const { t, locale } = useI18n();
  const cells = useMemo(
    () => new Map(overview.matrix.map((cell) => [`${cell.departmentId}/${cell.periodKey}`, cell])),
    [overview.matrix],
  );
  const periods = overview.settings.periods;
  return (
    <div className="ledger-matrix-wrap">
      <table className="ledger-matrix" data-testid="ledger-matrix">
        <thead>
          <tr>
            <th className="department">{t('ledger.department')}</th>
            {periods.map((period, index) => (
              <th
                key={period.key}
                title={`${periodLabel(period.key, locale)} · ${t('progress.due', { date: period.dueOn })}`}
              >
                {index > 0 && periods[index - 1]!.key.slice(0, 4) === period.key.slice(0, 4)
                  ? periodLabel(period.key, locale).replace(/^\d{4}年/, '')
                  : periodLabel(period.key, locale)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {overview.departments.map((department) => (
            <tr key={department.id}>
              <th className="department">{department.name}</th>
              {periods.map((period) => {
                const cell = cells.get(`${department.id}/${period.key}`);
                const counts = cell
                  ? Object.entries(cell.counts)
                      .map(
                        ([state, count]) =>
                          `${t(`ledger.state.${state as CellState}` as MessageKey)} ${count}`,
                      )
                      .join(t('punct.comma'))
                  : '';
                return (
                  <td
                    key={period.key}
                    className={cell ? `state-${cell.state}` : ''}
                    data-state={cell?.state}
                    title={`${department.name} · ${periodLabel(period.key, locale)}${t('punct.colon')}${counts}`}
                    onClick={() => cell && onPick(department.id, period.key)}
                  >
                    {cell &&
                      (cell.state === 'missing'
                        ? cell.counts.missing
                        : cell.state === 'late'
                          ? cell.counts.late
                          : '')}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Space size={12} wrap className="ledger-legend">
        {cellStates.map((state) => (
          <span key={state}>
            <span className={`legend-swatch state-${state}`} />
            {t(`ledger.state.${state}` as MessageKey)}
          </span>
        ))}
      </Space>
    </div>
  );
}

/** The coordinating office's 督办台账: settings, the matrix, the filtered table and the export. */
export default function LedgerPage({ canConfigure }: { canConfigure: boolean }) {
  const { t, locale } = useI18n();
  const { planId, error: planError } = usePlan();
  // A link from the quality report opens the ledger filtered to the records behind a figure.
  const [filters, setFilters] = useState<Filters>(() => filtersFromAddress());
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);

  // Each filter and page is its own read: an older answer arriving late never replaces a newer
  // one, and the rows shown stay until the new ones arrive.
  const ledger = useOperation(
    ledgerApi.overview,
    planId
      ? { params: { id: planId }, query: { ...queryOf(filters), page, pageSize: PAGE_SIZE } }
      : null,
    { keepPrevious: true },
  );
  const overview = ledger.data;
  const invalidate = useInvalidate();
  const reload = () => invalidate(ledgerApi.overview, ledgerApi.getSettings, ledgerApi.department);

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (!overview || !planId) return <QueryView query={ledger}>{() => null}</QueryView>;

  const set = (change: Partial<Filters>) => {
    setFilters((previous) => ({ ...previous, ...change }));
    setPage(1);
  };
  const configured = overview.settings.settings !== null;
  const counts = (state: CellState) =>
    overview.matrix.reduce((sum, cell) => sum + (cell.counts[state] ?? 0), 0);
  const labels = new Map(
    overview.settings.periods.map((period) => [period.key, periodLabel(period.key, locale)]),
  );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('ledger.title')}
        extra={
          configured && (
            <Button
              icon={<DownloadOutlined />}
              href={hrefOf(ledgerApi.export, {
                params: { id: planId },
                query: queryOf(filters),
              })}
              data-testid="export-ledger"
            >
              {t('ledger.export')}
            </Button>
          )
        }
      >
        {!configured ? (
          <Alert
            type="info"
            showIcon
            message={canConfigure ? t('ledger.next.configure') : t('ledger.next.notConfigured')}
            style={{ marginBottom: 12 }}
            data-testid="next-step"
          />
        ) : (
          <Alert
            type={counts('missing') > 0 ? 'warning' : 'success'}
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="next-step"
            message={
              counts('missing') > 0
                ? t('ledger.next.missing', { missing: counts('missing'), late: counts('late') })
                : t('ledger.next.fine', { reported: counts('reported') + counts('late') })
            }
          />
        )}
        {canConfigure && (
          <Collapse
            size="small"
            defaultActiveKey={configured ? [] : ['settings']}
            style={{ marginBottom: 12 }}
            items={[
              {
                key: 'settings',
                label: (
                  <span>
                    <SettingOutlined /> {t('ledger.settings')}
                    {overview.settings.settings
                      ? ` · ${t(`ledger.frequency.${overview.settings.settings.frequency}` as MessageKey)}${t('punct.comma')}${t('ledger.settings.summary', { dueDay: overview.settings.settings.dueDay, count: overview.settings.periods.length })}`
                      : ''}
                  </span>
                ),
                children: (
                  <SettingsForm
                    planId={planId}
                    view={overview.settings}
                    onSaved={() => void reload()}
                  />
                ),
              },
            ]}
          />
        )}
        {configured && overview.departments.length === 0 && (
          <Typography.Paragraph type="secondary">{t('ledger.noApproved')}</Typography.Paragraph>
        )}
        {configured && overview.departments.length > 0 && (
          <Matrix
            overview={overview}
            onPick={(departmentId, periodKey) => set({ departmentId, periodKey })}
          />
        )}
      </Card>
      {configured && (
        <Card size="small">
          <Space wrap style={{ marginBottom: 12 }} data-testid="ledger-filters">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('ledger.department')}
              style={{ width: 200 }}
              value={filters.departmentId}
              onChange={(departmentId) => set({ departmentId })}
              options={overview.departments.map((department) => ({
                value: department.id,
                label: department.name,
              }))}
              aria-label={t('ledger.department')}
            />
            <InputNumber
              placeholder={t('ledger.itemNo')}
              min={1}
              style={{ width: 110 }}
              value={filters.itemNo ?? null}
              onChange={(itemNo) => set({ itemNo: itemNo ?? undefined })}
              aria-label={t('ledger.itemNo')}
            />
            {(filters.itemFrom !== undefined || filters.itemTo !== undefined) && (
              <Tag
                closable
                onClose={() => set({ itemFrom: undefined, itemTo: undefined })}
                style={{ alignSelf: 'center' }}
                data-testid="item-range"
              >
                {t('ledger.itemRange', { from: filters.itemFrom ?? 1, to: filters.itemTo ?? '' })}
              </Tag>
            )}
            <Select
              allowClear
              placeholder={t('ledger.period')}
              style={{ width: 180 }}
              value={filters.periodKey}
              onChange={(periodKey) => set({ periodKey })}
              options={overview.settings.periods.map((period) => ({
                value: period.key,
                label: periodLabel(period.key, locale),
              }))}
              aria-label={t('ledger.period')}
            />
            <Select
              allowClear
              placeholder={t('ledger.stateFilter')}
              style={{ width: 140 }}
              value={filters.state}
              onChange={(state) => set({ state })}
              data-testid="state-filter"
              options={cellStates.map((state) => ({
                value: state,
                label: t(`ledger.state.${state}` as MessageKey),
              }))}
              aria-label={t('ledger.stateFilter')}
            />
            <Select
              allowClear
              placeholder={t('progress.status')}
              style={{ width: 140 }}
              value={filters.status}
              onChange={(status) => set({ status })}
              options={reportStatuses.map((status) => ({
                value: status,
                label: t(`progress.status.${status}` as MessageKey),
              }))}
              aria-label={t('progress.status')}
            />
            <Input.Search
              allowClear
              placeholder={t('ledger.search')}
              style={{ width: 220 }}
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              onSearch={(value) => set({ search: value.trim() || undefined })}
            />
            {Object.values(filters).some((value) => value !== undefined) && (
              <Button
                onClick={() => {
                  setFilters({});
                  setSearch('');
                  setPage(1);
                }}
              >
                {t('ledger.clearFilters')}
              </Button>
            )}
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('ledger.count', { shown: overview.matchingRows, total: overview.totalRows })}
          </Typography.Paragraph>
          <Table<LedgerRow>
            size="small"
            data-testid="ledger-table"
            rowKey={(row) => `${row.measure.id}/${row.period.key}`}
            dataSource={overview.rows}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: overview.matchingRows,
              onChange: setPage,
              showSizeChanger: false,
              hideOnSinglePage: true,
            }}
            scroll={{ x: 1400 }}
            columns={[
              {
                title: t('ledger.department'),
                dataIndex: ['department', 'name'],
                width: 130,
                fixed: 'left',
              },
              { title: t('ledger.itemNo'), dataIndex: ['item', 'no'], width: 60 },
              {
                title: t('ledger.measure'),
                dataIndex: ['measure', 'text'],
                width: 240,
                render: (text: string, row) => (
                  <Typography.Paragraph
                    style={{ margin: 0 }}
                    ellipsis={{ rows: 3, tooltip: `${row.item.no}. ${row.item.content}\n${text}` }}
                  >
                    {text}
                  </Typography.Paragraph>
                ),
              },
              {
                title: t('ledger.period'),
                width: 130,
                render: (_value, row) => (
                  <span>
                    {labels.get(row.period.key)}
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('progress.due', { date: row.period.dueOn })}
                    </Typography.Text>
                  </span>
                ),
              },
              {
                title: t('ledger.stateFilter'),
                width: 100,
                render: (_value, row) => <StateTag state={row.state} />,
              },
              {
                title: t('progress.status'),
                width: 100,
                render: (_value, row) =>
                  row.report ? (
                    <Tag color={statusColors[row.report.status]}>
                      {t(`progress.status.${row.report.status}` as MessageKey)}
                    </Tag>
                  ) : (
                    '—'
                  ),
              },
              {
                title: t('progress.text'),
                width: 260,
                render: (_value, row) =>
                  row.report ? (
                    <Typography.Paragraph
                      style={{ margin: 0 }}
                      ellipsis={{ rows: 3, expandable: true, symbol: t('progress.more') }}
                    >
                      {row.report.text}
                    </Typography.Paragraph>
                  ) : (
                    '—'
                  ),
              },
              {
                title: t('progress.evidence'),
                width: 200,
                render: (_value, row) =>
                  row.report?.evidence.length ? <EvidenceList items={row.report.evidence} /> : '—',
              },
              {
                title: t('ledger.submitted'),
                width: 150,
                render: (_value, row) =>
                  row.report ? (
                    <span>
                      {formatTime(row.report.submittedAt)}
                      <br />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {row.report.submittedBy} ·{' '}
                        {t('progress.version', { version: row.report.version })}
                      </Typography.Text>
                    </span>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
