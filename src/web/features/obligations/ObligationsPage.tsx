import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Segmented,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState, type HTMLAttributes } from 'react';
import type { BodyOf } from '../../../shared/api/operation';
import {
  obligationsApi,
  type ComplianceRow,
  type ConfirmManyResult,
  type ObligationView,
  type PeriodComplianceView,
} from '../../../shared/api/obligations';
import type { MessageKey } from '../../../shared/i18n/messages';
import { obligationPeriods } from '../../../shared/obligations/obligation.contract';
import { ApiError, call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { errorText } from '../../usePlanTree';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { usePlan } from '../../usePlan';
import { usePlanTree } from '../../usePlanTree';

type T = ReturnType<typeof useI18n>['t'];

/** 每学期至少 1 次, 每名青年教师每年至少 1 次, 教师达到 100%（每年核对）. */
export function describeObligation(
  obligation: Pick<
    ObligationView,
    'kind' | 'period' | 'minimumCount' | 'targetPercent' | 'population'
  >,
  t: T,
): string {
  const period = t(
    obligation.period
      ? (`obligations.period.${obligation.period}` as MessageKey)
      : 'obligations.period.unknown',
  );
  if (obligation.kind === 'coverage') {
    return t('obligations.describe.coverage', {
      population: obligation.population ?? t('obligations.everyone'),
      percent: obligation.targetPercent ?? '?',
      period,
    });
  }
  if (obligation.minimumCount === null) return t('obligations.describe.countUnknown', { period });
  return obligation.population
    ? t('obligations.describe.each', {
        population: obligation.population,
        period,
        count: obligation.minimumCount,
      })
    : t('obligations.describe.frequency', { period, count: obligation.minimumCount });
}

const statusColor: Record<PeriodComplianceView['status'], string> = {
  met: 'success',
  'in-progress': 'processing',
  upcoming: 'default',
  late: 'error',
};

export function PeriodTag({ period }: { period: PeriodComplianceView }) {
  const { t } = useI18n();
  const count =
    period.required === null
      ? t('compliance.noReading')
      : t('compliance.count', { recorded: period.recorded ?? 0, required: period.required });
  return (
    <Tooltip title={`${period.startsOn} ~ ${period.endsOn} · ${count}`}>
      <Tag
        color={statusColor[period.status]}
        data-testid="period-status"
        data-period={period.label}
        data-status={period.status}
        style={{ marginBottom: 4 }}
      >
        {period.label} {t(`compliance.status.${period.status}` as MessageKey)}
      </Tag>
    </Tooltip>
  );
}

/** The item's text with the phrase the obligation was read from marked. */
function SourceText({ obligation }: { obligation: ObligationView }) {
  const { t } = useI18n();
  const { source, item } = obligation;
  if (!source) return <Typography.Text>{item.content}</Typography.Text>;
  const text = source.field === 'content' ? item.content : item.focus;
  return (
    <Typography.Text>
      {source.field === 'focus' && <Tag bordered={false}>{t('obligations.fromFocus')}</Tag>}
      {text.slice(0, source.start)}
      <mark data-testid="source-phrase">{text.slice(source.start, source.end)}</mark>
      {text.slice(source.end)}
    </Typography.Text>
  );
}

interface Terms {
  kind: ObligationView['kind'];
  period: ObligationView['period'];
  minimumCount: number | null;
  targetPercent: number | null;
  population: string | null;
  scope: ObligationView['scope'];
  note: string | null;
}

function TermsForm({
  form,
  withItem,
  items,
}: {
  form: ReturnType<typeof Form.useForm<Terms & { itemId?: string }>>[0];
  withItem: boolean;
  items: { id: string; no: number; content: string }[];
}) {
  const { t } = useI18n();
  const kind = Form.useWatch('kind', form);
  return (
    <Form form={form} layout="vertical" requiredMark={false}>
      {withItem && (
        <Form.Item name="itemId" label={t('obligations.item')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={items.map((item) => ({
              value: item.id,
              label: `${item.no}. ${item.content.slice(0, 60)}`,
            }))}
          />
        </Form.Item>
      )}
      <Form.Item name="kind" label={t('obligations.kind')}>
        <Radio.Group
          options={(['frequency', 'coverage'] as const).map((value) => ({
            value,
            label: t(`obligations.kind.${value}`),
          }))}
        />
      </Form.Item>
      <Space wrap>
        <Form.Item name="period" label={t('obligations.period')} rules={[{ required: true }]}>
          <Select
            style={{ width: 160 }}
            aria-label={t('obligations.period')}
            options={obligationPeriods.map((value) => ({
              value,
              label: t(`obligations.period.${value}` as MessageKey),
            }))}
          />
        </Form.Item>
        {kind === 'coverage' ? (
          <Form.Item
            name="targetPercent"
            label={t('obligations.targetPercent')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={100} style={{ width: 140 }} />
          </Form.Item>
        ) : (
          <Form.Item
            name="minimumCount"
            label={t('obligations.minimumCount')}
            rules={[{ required: true }]}
          >
            <InputNumber
              min={1}
              max={1000}
              precision={0}
              style={{ width: 140 }}
              aria-label={t('obligations.minimumCount')}
            />
          </Form.Item>
        )}
      </Space>
      <Form.Item name="population" label={t('obligations.population')}>
        <Input maxLength={50} allowClear />
      </Form.Item>
      <Form.Item name="scope" label={t('obligations.scope')} extra={t('obligations.scope.hint')}>
        <Radio.Group
          options={(['institution', 'each_department'] as const).map((value) => ({
            value,
            label: t(`obligations.scope.${value}`),
          }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('obligations.note')}>
        <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
    </Form>
  );
}

const clean = (terms: Terms) => ({
  kind: terms.kind,
  period: terms.period ?? null,
  minimumCount: terms.kind === 'frequency' ? (terms.minimumCount ?? null) : null,
  targetPercent: terms.kind === 'coverage' ? (terms.targetPercent ?? null) : null,
  population: terms.population?.trim() ? terms.population.trim() : null,
  scope: terms.scope,
  note: terms.note?.trim() ? terms.note.trim() : null,
});

/** The coordinating office's 量化要求: proposals to confirm, and compliance by item and period. */
export default function ObligationsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { planId, error: planError } = usePlan();
  const { tree } = usePlanTree(planId);
  const plan = planId ? { params: { id: planId } } : null;
  const listQuery = useOperation(obligationsApi.list, plan);
  const complianceQuery_ = useOperation(obligationsApi.compliance, plan);
  const obligations = listQuery.data?.obligations ?? null;
  const compliance = complianceQuery_.data ?? null;
  const loadError = listQuery.error ?? complianceQuery_.error;
  const error = loadError ? errorText(loadError, t('error.network')) : null;
  const invalidate = useInvalidate();
  const load = () => invalidate(obligationsApi.list, obligationsApi.compliance);
  const [selected, setSelected] = useState<string[]>([]);
  const [refusals, setRefusals] = useState<ConfirmManyResult['refused']>([]);
  const [status, setStatus] = useState<'all' | ObligationView['status']>('all');
  // A link from the quality report arrives with ?item=<no>: both lists open on that item.
  const [query, setQuery] = useState(() => searchParam('item') ?? '');
  const [onlyLate, setOnlyLate] = useState(false);
  const [complianceQuery, setComplianceQuery] = useState(() => searchParam('item') ?? '');
  const [editing, setEditing] = useState<ObligationView | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Terms & { itemId?: string }>();

  async function run(action: () => Promise<unknown>, done = t('obligations.saved')) {
    setBusy(true);
    try {
      await action();
      message.success(done);
      return true;
    } catch (caught) {
      message.error(
        caught instanceof ApiError
          ? caught.code.endsWith('version_conflict')
            ? t('obligations.conflict')
            : caught.message
          : t('error.network'),
        6,
      );
      return false;
    } finally {
      setBusy(false);
      await load();
    }
  }

  const update = (
    obligation: ObligationView,
    body: Omit<BodyOf<typeof obligationsApi.update>, 'version'>,
  ) =>
    run(() =>
      call(obligationsApi.update, {
        params: { id: planId!, obligationId: obligation.id },
        body: { version: obligation.version, ...body },
      }),
    );

  /** 批量确认: the ticked proposals confirmed at once; the refused ones stay ticked, with the reason. */
  function confirmSelected(rows: ObligationView[]) {
    const chosen = rows.filter((row) => selected.includes(row.id));
    modal.confirm({
      title: t('obligations.batch.confirmTitle', { count: chosen.length }),
      content: (
        <ul data-testid="batch-confirm-list" style={{ paddingInlineStart: 20 }}>
          {chosen.map((row) => (
            <li key={row.id}>
              {t('obligations.batch.line', { no: row.item.no, terms: describeObligation(row, t) })}
            </li>
          ))}
        </ul>
      ),
      okText: t('obligations.confirm'),
      cancelText: t('obligations.cancel'),
      okButtonProps: { 'data-testid': 'batch-confirm-ok' } as Record<`data-${string}`, string>,
      onOk: async () => {
        try {
          const result = await call(obligationsApi.confirmMany, {
            params: { id: planId! },
            body: { obligations: chosen.map((row) => ({ id: row.id, version: row.version })) },
          });
          setRefusals(result.refused);
          setSelected(result.refused.map((row) => row.id));
          if (result.confirmed.length > 0)
            message.success(t('obligations.batch.done', { count: result.confirmed.length }));
        } catch (caught) {
          message.error(errorText(caught, t('error.network')), 8);
        } finally {
          await load();
        }
      },
    });
  }

  function openEditor(target: ObligationView | 'new') {
    setEditing(target);
    form.resetFields();
    form.setFieldsValue(
      target === 'new'
        ? {
            kind: 'frequency',
            period: 'semester',
            minimumCount: 1,
            targetPercent: null,
            population: null,
            scope: 'institution',
            note: null,
          }
        : {
            kind: target.kind,
            period: target.period,
            minimumCount: target.minimumCount,
            targetPercent: target.targetPercent,
            population: target.population,
            scope: target.scope,
            note: target.note,
          },
    );
  }

  async function saveEditor(confirm: boolean) {
    const values = await form.validateFields().catch(() => null);
    if (!values || !editing) return;
    const ok =
      editing === 'new'
        ? await run(() =>
            call(obligationsApi.create, {
              params: { id: planId! },
              body: {
                itemId: values.itemId!,
                ...clean(values),
                // The form requires a period for a new obligation.
                period: clean(values).period ?? 'semester',
              },
            }),
          )
        : await update(editing, { ...clean(values), ...(confirm ? { status: 'confirmed' } : {}) });
    if (ok) setEditing(null);
  }

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!obligations || !compliance)
    return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const pending = obligations.filter((entry) => entry.status === 'proposed').length;
  const next =
    obligations.length === 0
      ? t('obligations.next.propose')
      : pending > 0
        ? t('obligations.next.review', { count: pending })
        : t('obligations.next.done');
  const needle = query.trim();
  const shown = obligations.filter(
    (entry) =>
      (status === 'all' || entry.status === status) &&
      (!needle ||
        String(entry.item.no) === needle ||
        entry.item.content.includes(needle) ||
        entry.item.focus.includes(needle)),
  );
  const items = (tree?.indicators ?? []).flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  const byId = new Map(obligations.map((entry) => [entry.id, entry]));
  const complianceNeedle = complianceQuery.trim();
  const complianceRows = compliance.rows.filter(
    (row) =>
      (!onlyLate || row.periods.some((period) => period.status === 'late')) &&
      (!complianceNeedle ||
        String(row.item.no) === complianceNeedle ||
        (row.department?.name ?? t('compliance.institution')).includes(complianceNeedle)),
  );
  const tally = (state: PeriodComplianceView['status']) =>
    complianceRows.reduce(
      (sum, row) => sum + row.periods.filter((period) => period.status === state).length,
      0,
    );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('obligations.title')}
        extra={
          <Space wrap>
            <Button
              type={obligations.length === 0 ? 'primary' : 'default'}
              icon={<ThunderboltOutlined />}
              loading={busy}
              data-testid="propose"
              onClick={() =>
                void run(async () => {
                  const result = await call(obligationsApi.propose, { params: { id: planId! } });
                  message.info(
                    t('obligations.proposed', {
                      created: result.created,
                      existing: result.existing,
                    }),
                  );
                })
              }
            >
              {t('obligations.propose')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => openEditor('new')}>
              {t('obligations.add')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('obligations.intro')}</Typography.Paragraph>
        <Alert
          type={pending > 0 || obligations.length === 0 ? 'info' : 'success'}
          showIcon
          message={next}
          data-testid="next-step"
          style={{ marginBottom: 12 }}
        />
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented
            value={status}
            onChange={(value) => setStatus(value as typeof status)}
            options={(['all', 'proposed', 'confirmed', 'dismissed'] as const).map((value) => ({
              value,
              label: `${value === 'all' ? t('obligations.filter.all') : t(`obligations.status.${value}`)} ${value === 'all' ? obligations.length : obligations.filter((entry) => entry.status === value).length}`,
            }))}
          />
          <Input.Search
            allowClear
            placeholder={t('obligations.search')}
            defaultValue={query}
            onChange={(event) => setQuery(event.target.value)}
            style={{ width: 260 }}
          />
        </Space>
        {refusals.length > 0 && (
          <Alert
            type="warning"
            showIcon
            closable
            onClose={() => setRefusals([])}
            data-testid="batch-refused"
            style={{ marginBottom: 12 }}
            message={t('obligations.batch.refused', { count: refusals.length })}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {refusals.map((row) => (
                  <li key={row.id}>
                    {t('obligations.batch.refusedLine', {
                      no: row.itemNo ?? '?',
                      reason: row.message,
                    })}
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {pending > 0 && (
          <Space wrap style={{ marginBottom: 12 }}>
            <Button
              type="primary"
              disabled={selected.length === 0}
              data-testid="batch-confirm"
              onClick={() => confirmSelected(obligations)}
            >
              {t('obligations.batch.confirm', { count: selected.length })}
            </Button>
            <Typography.Text type="secondary">{t('obligations.batch.hint')}</Typography.Text>
          </Space>
        )}
        <Table<ObligationView>
          size="small"
          rowKey="id"
          rowSelection={
            pending > 0
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(String)),
                  // Only proposals wait for confirmation.
                  getCheckboxProps: (row) => ({
                    disabled: row.status !== 'proposed',
                    'aria-label': t('obligations.batch.select', { no: row.item.no }),
                  }),
                }
              : undefined
          }
          dataSource={shown}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 960 }}
          onRow={(row) =>
            ({
              'data-testid': 'obligation',
              'data-item-no': row.item.no,
              'data-status': row.status,
            }) as HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('obligations.item'),
              width: 64,
              render: (_value, row) => <strong>{row.item.no}</strong>,
              sorter: (a, b) => a.item.no - b.item.no,
            },
            {
              title: t('obligations.source'),
              render: (_value, row) => <SourceText obligation={row} />,
            },
            {
              title: t('obligations.requirement'),
              width: 200,
              render: (_value, row) => (
                <Space direction="vertical" size={2}>
                  <span data-testid="requirement">{describeObligation(row, t)}</span>
                  {row.needsConfirmation && (
                    <Tag color="warning">{t('obligations.incomplete')}</Tag>
                  )}
                  {!row.source && <Tag>{t('obligations.byHand')}</Tag>}
                  {row.note && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {row.note}
                    </Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('obligations.scope'),
              width: 150,
              render: (_value, row) => (
                <Tooltip
                  title={row.departments.map((department) => department.name).join(t('punct.enum'))}
                >
                  <Tag>{t(`obligations.scope.${row.scope}`)}</Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {row.departments.length}
                  </Typography.Text>
                </Tooltip>
              ),
              filters: (['institution', 'each_department'] as const).map((value) => ({
                text: t(`obligations.scope.${value}`),
                value,
              })),
              onFilter: (value, row) => row.scope === value,
            },
            {
              title: t('obligations.status'),
              width: 90,
              render: (_value, row) => (
                <Tag
                  color={{ proposed: 'gold', confirmed: 'green', dismissed: 'default' }[row.status]}
                >
                  {t(`obligations.status.${row.status}`)}
                </Tag>
              ),
            },
            {
              title: t('obligations.actions'),
              width: 220,
              render: (_value, row) => (
                <Space size={4} wrap>
                  {row.status !== 'confirmed' && (
                    <Button
                      size="small"
                      type="primary"
                      disabled={row.needsConfirmation}
                      data-testid="confirm"
                      onClick={() => void update(row, { status: 'confirmed' })}
                    >
                      {t('obligations.confirm')}
                    </Button>
                  )}
                  <Button size="small" data-testid="edit" onClick={() => openEditor(row)}>
                    {t('obligations.edit')}
                  </Button>
                  {row.status === 'dismissed' ? (
                    <Button size="small" onClick={() => void update(row, { status: 'proposed' })}>
                      {t('obligations.reopen')}
                    </Button>
                  ) : (
                    <Button
                      size="small"
                      danger
                      onClick={() => void update(row, { status: 'dismissed' })}
                    >
                      {t('obligations.dismiss')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Card title={t('compliance.title')}>
        <Typography.Paragraph type="secondary">
          {t('compliance.hint', {
            today: compliance.today,
            from: compliance.cycle.startsOn,
            to: compliance.cycle.endsOn,
          })}
        </Typography.Paragraph>
        {compliance.rows.length === 0 ? (
          <Alert type="info" showIcon message={t('compliance.empty')} />
        ) : (
          <>
            <Space wrap style={{ marginBottom: 12 }}>
              <Input.Search
                allowClear
                placeholder={`${t('obligations.item')} / ${t('compliance.department')}`}
                defaultValue={complianceQuery}
                onChange={(event) => setComplianceQuery(event.target.value)}
                style={{ width: 260 }}
              />
              <Checkbox checked={onlyLate} onChange={(event) => setOnlyLate(event.target.checked)}>
                {t('compliance.onlyLate')}
              </Checkbox>
              <Typography.Text type="secondary">
                {t('compliance.summary', {
                  rows: complianceRows.length,
                  late: tally('late'),
                  inProgress: tally('in-progress'),
                  met: tally('met'),
                })}
              </Typography.Text>
            </Space>
            <Table<ComplianceRow>
              size="small"
              rowKey={(row) => `${row.obligationId}/${row.department?.id ?? ''}`}
              dataSource={complianceRows}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              scroll={{ x: 900 }}
              onRow={(row) =>
                ({
                  'data-testid': 'compliance-row',
                  'data-item-no': row.item.no,
                  'data-department': row.department?.name ?? '',
                }) as HTMLAttributes<HTMLElement>
              }
              columns={[
                {
                  title: t('obligations.item'),
                  width: 64,
                  render: (_value, row) => <strong>{row.item.no}</strong>,
                  sorter: (a, b) => a.item.no - b.item.no,
                },
                {
                  title: t('obligations.requirement'),
                  width: 200,
                  render: (_value, row) =>
                    byId.get(row.obligationId)
                      ? describeObligation(byId.get(row.obligationId)!, t)
                      : '',
                },
                {
                  title: t('compliance.department'),
                  width: 160,
                  render: (_value, row) =>
                    row.department?.name ?? <Tag>{t('compliance.institution')}</Tag>,
                  sorter: (a, b) =>
                    (a.department?.name ?? '').localeCompare(b.department?.name ?? '', 'zh-CN'),
                },
                {
                  title: t('compliance.periods'),
                  render: (_value, row) => (
                    <div>
                      {row.periods.map((period) => (
                        <PeriodTag key={period.label} period={period} />
                      ))}
                    </div>
                  ),
                },
              ]}
            />
          </>
        )}
      </Card>

      <Modal
        open={editing !== null}
        title={
          editing === 'new'
            ? t('obligations.addTitle')
            : editing
              ? t('obligations.editTitle', { no: editing.item.no })
              : ''
        }
        onCancel={() => setEditing(null)}
        destroyOnHidden
        footer={[
          <Button key="cancel" onClick={() => setEditing(null)}>
            {t('obligations.cancel')}
          </Button>,
          ...(editing !== 'new'
            ? [
                <Button key="save" loading={busy} onClick={() => void saveEditor(false)}>
                  {t('obligations.save')}
                </Button>,
              ]
            : []),
          <Button
            key="confirm"
            type="primary"
            loading={busy}
            data-testid="save-confirm"
            onClick={() => void saveEditor(true)}
          >
            {editing === 'new' ? t('obligations.save') : t('obligations.saveConfirm')}
          </Button>,
        ]}
      >
        {editing && editing !== 'new' && (
          <Typography.Paragraph>
            <SourceText obligation={editing} />
          </Typography.Paragraph>
        )}
        <TermsForm form={form} withItem={editing === 'new'} items={items} />
      </Modal>
    </Space>
  );
}
