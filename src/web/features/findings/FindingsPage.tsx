import {
  CheckOutlined,
  DownloadOutlined,
  ForwardOutlined,
  PlusOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { findingsApi, type FindingView, type NextYearPreview } from '../../../shared/api/findings';
import {
  findingKinds,
  findingStates,
  type FindingState,
} from '../../../shared/findings/finding-states';
import { organizationWideRoles, type Role } from '../../../shared/roles';
import { ApiError, call, hrefOf } from '../../api/client';
import { keyOf, useInvalidate, useOperation } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { NextYearDates, type NextYearDateChoice } from '../plans/NextYearDates';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { usePlan } from '../../usePlan';
import { useServerAction } from '../../useServerAction';
import { usePlanTree } from '../../usePlanTree';
import { formatTime } from '../../time';

const stateColors: Record<FindingState, string> = {
  open: 'red',
  in_progress: 'processing',
  awaiting_verification: 'gold',
  verified: 'success',
  carried_over: 'purple',
};

export function FindingStateTag({ state, overdue }: { state: FindingState; overdue: boolean }) {
  const { t } = useI18n();
  return (
    <Space size={4}>
      <Tag color={stateColors[state]} data-testid="finding-state">
        {t(`finding.state.${state}`)}
      </Tag>
      {overdue && <Tag color="red">{t('finding.overdue')}</Tag>}
    </Space>
  );
}

interface CreateForm {
  title: string;
  description?: string;
  kind: FindingView['kind'];
  ownerDepartmentId: string;
  departmentIds?: string[];
  itemIds: string[];
  dueOn: string;
}

function FindingDrawer({
  planId,
  findingId,
  staff,
  onClose,
  onChanged,
}: {
  planId: string;
  findingId: string | null;
  staff: boolean;
  onClose(): void;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const input = findingId ? { params: { id: planId, findingId } } : null;
  const detail = useOperation(findingsApi.get, input);
  const finding = detail.data ?? null;
  const [note, setNote] = useState('');
  const { busy, run } = useServerAction();
  useEffect(() => {
    void findingId;
    setNote('');
  }, [findingId]);

  async function act(
    step:
      | { kind: 'verify'; body: { version: number; note?: string } }
      | { kind: 'reopen'; body: { version: number; reason: string } },
    done: string,
  ) {
    if (!input) return;
    const succeeded = await run(async () => {
      const changed =
        step.kind === 'verify'
          ? await call(findingsApi.verify, { ...input, body: step.body })
          : await call(findingsApi.reopen, { ...input, body: step.body });
      client.setQueryData(keyOf(findingsApi.get, input), changed);
      setNote('');
      onChanged();
      return done;
    });
    // Refused (someone else moved the finding on, say): show it as it now is.
    if (!succeeded) await detail.refetch();
  }

  return (
    <Drawer
      open={findingId !== null}
      onClose={onClose}
      width={Math.min(720, window.innerWidth)}
      title={finding ? `${finding.no}. ${finding.title}` : t('loading')}
      data-testid="finding-drawer"
    >
      {!finding ? (
        <Spin />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'state',
                label: t('finding.state'),
                children: <FindingStateTag state={finding.state} overdue={finding.overdue} />,
              },
              {
                key: 'kind',
                label: t('finding.kind'),
                children: t(`finding.kind.${finding.kind}`),
              },
              { key: 'owner', label: t('finding.owner'), children: finding.ownerDepartment.name },
              {
                key: 'departments',
                label: t('finding.departments'),
                children: finding.departments
                  .map((department) => department.name)
                  .join(t('punct.enum')),
              },
              {
                key: 'items',
                label: t('finding.items'),
                children: finding.items.map((item) => item.no).join(t('punct.enum')),
              },
              { key: 'due', label: t('finding.dueOn'), children: finding.dueOn },
              ...(finding.description
                ? [
                    {
                      key: 'description',
                      label: t('finding.description'),
                      children: (
                        <span style={{ whiteSpace: 'pre-wrap' }}>{finding.description}</span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {finding.origin && (
            <Alert
              type="info"
              showIcon
              message={t('finding.origin', {
                year: finding.origin.cycleYear,
                no: finding.origin.no,
              })}
            />
          )}
          {finding.carriedTo && (
            <Alert
              type="info"
              showIcon
              message={t('finding.carriedTo', {
                year: finding.carriedTo.cycleYear,
                no: finding.carriedTo.no,
              })}
            />
          )}
          <List
            size="small"
            bordered
            header={<Typography.Text strong>{t('finding.actions')}</Typography.Text>}
            dataSource={finding.actions}
            locale={{ emptyText: '—' }}
            renderItem={(action) => (
              <List.Item data-testid="finding-action">
                <div style={{ width: '100%' }}>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{action.text}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {action.departmentName} · {action.actorName} · {formatTime(action.at)}
                  </Typography.Text>
                  {action.evidenceIds.length > 0 && (
                    <EvidenceField value={action.evidenceIds} disabled />
                  )}
                </div>
              </List.Item>
            )}
          />
          {staff &&
            (finding.transitions.includes('verify') || finding.transitions.includes('reopen')) && (
              <Card size="small">
                <Input.TextArea
                  autoSize={{ minRows: 2 }}
                  value={note}
                  onChange={(event) => setNote(event.target.value)}
                  maxLength={2000}
                  placeholder={
                    finding.transitions.includes('verify')
                      ? t('findings.verify.note')
                      : t('findings.reopen.reason')
                  }
                  aria-label={t('findings.verify.note')}
                  data-testid="finding-note"
                />
                <Space style={{ marginTop: 8 }} wrap>
                  {finding.transitions.includes('verify') && (
                    <Button
                      type="primary"
                      icon={<CheckOutlined />}
                      loading={busy}
                      data-testid="verify-finding"
                      disabled={finding.actionCount === 0}
                      onClick={() =>
                        void act(
                          {
                            kind: 'verify',
                            body: { version: finding.version, ...(note.trim() ? { note } : {}) },
                          },
                          t('findings.verified'),
                        )
                      }
                    >
                      {t('findings.verify')}
                    </Button>
                  )}
                  {finding.transitions.includes('reopen') && (
                    <Button
                      danger
                      icon={<RollbackOutlined />}
                      loading={busy}
                      disabled={!note.trim()}
                      data-testid="reopen-finding"
                      onClick={() =>
                        void act(
                          { kind: 'reopen', body: { version: finding.version, reason: note } },
                          t('findings.reopened'),
                        )
                      }
                    >
                      {t('findings.reopen')}
                    </Button>
                  )}
                </Space>
              </Card>
            )}
          <Typography.Text strong>{t('finding.history')}</Typography.Text>
          <Timeline
            items={finding.events.map((event) => ({
              children: `${formatTime(event.at)} ${event.actorName} ${t(`finding.event.${event.action}`)}${event.comment ? `${t('punct.colon')}${event.comment}` : ''}`,
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}

function NextYearModal({
  planId,
  open,
  onClose,
}: {
  planId: string;
  open: boolean;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [preview, setPreview] = useState<NextYearPreview | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [dates, setDates] = useState<NextYearDateChoice | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setPreview(null);
    setChosen([]);
    setError(null);
    const controller = new AbortController();
    call(
      findingsApi.plansNextYearPreview,
      { params: { id: planId } },
      { signal: controller.signal },
    ).then(setPreview, (caught) => {
      if (!controller.signal.aborted)
        setError(caught instanceof ApiError ? caught.message : t('error.network'));
    });
    return () => controller.abort();
  }, [open, planId, t]);
  const undecided = preview
    ? preview.blocking.filter((finding) => !chosen.includes(finding.id)).length
    : 0;
  async function start() {
    setBusy(true);
    try {
      const result = await call(findingsApi.plansStartNextYear, {
        params: { id: planId },
        body: { carryOver: chosen, ...(dates ?? {}) },
      });
      message.success(
        t('nextYear.started', { year: result.cycleYear, count: result.carried.length }),
        8,
      );
      onClose();
      location.assign(`/?plan=${result.planId}`);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error.network'));
    } finally {
      setBusy(false);
    }
  }
  const line = (finding: FindingView) =>
    `${finding.no}. ${finding.title}${t('punct.open')}${finding.ownerDepartment.name}${t('punct.comma')}${t(`finding.state.${finding.state}`)}${t('punct.close')}`;
  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={720}
      title={preview ? t('nextYear.title', { year: preview.cycleYear }) : t('nextYear.start')}
      data-testid="next-year-modal"
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('measure.cancel')}
        </Button>,
        <Button
          key="start"
          type="primary"
          loading={busy}
          disabled={!preview || preview.existingPlanId !== null || undecided > 0}
          onClick={() => void start()}
          data-testid="confirm-next-year"
        >
          {t('nextYear.confirm')}
        </Button>,
      ]}
    >
      {!preview && !error && <Spin />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {preview && (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Paragraph>{t('nextYear.hint')}</Typography.Paragraph>
          {!preview.existingPlanId && <NextYearDates planId={planId} onChange={setDates} />}
          {preview.existingPlanId && (
            <Alert
              type="warning"
              showIcon
              message={t('nextYear.exists')}
              action={
                <Button size="small" href={`/?plan=${preview.existingPlanId}`}>
                  {t('nextYear.open')}
                </Button>
              }
            />
          )}
          <Typography.Text strong>
            {preview.carried.length
              ? t('nextYear.carried', { count: preview.carried.length })
              : t('nextYear.carried.none')}
          </Typography.Text>
          {preview.carried.length > 0 && (
            <List
              size="small"
              bordered
              dataSource={preview.carried}
              renderItem={(finding) => (
                <List.Item data-testid="carried-finding">{line(finding)}</List.Item>
              )}
            />
          )}
          {preview.blocking.length > 0 && (
            <>
              <Alert
                type="warning"
                showIcon
                message={t('nextYear.blocking', { count: preview.blocking.length })}
              />
              <List
                size="small"
                bordered
                dataSource={preview.blocking}
                renderItem={(finding) => (
                  <List.Item
                    data-testid="blocking-finding"
                    actions={[
                      <Checkbox
                        key="carry"
                        checked={chosen.includes(finding.id)}
                        onChange={(event) =>
                          setChosen(
                            event.target.checked
                              ? [...chosen, finding.id]
                              : chosen.filter((id) => id !== finding.id),
                          )
                        }
                      >
                        {t('nextYear.carryThis')}
                      </Checkbox>,
                    ]}
                  >
                    {line(finding)}
                  </List.Item>
                )}
              />
              {undecided > 0 && (
                <Typography.Text type="danger">
                  {t('nextYear.blocked', { count: undecided })}
                </Typography.Text>
              )}
            </>
          )}
        </Space>
      )}
    </Modal>
  );
}

/** The coordinating office's findings: filter, record, verify or reopen, and start next year's plan. */
export default function FindingsPage({ role }: { role: Role }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { planId, error: planError } = usePlan();
  const { tree } = usePlanTree(planId);
  const listQuery = useOperation(findingsApi.list, planId ? { params: { id: planId } } : null);
  const list = listQuery.data ?? null;
  const error =
    listQuery.isError && !list
      ? listQuery.error instanceof ApiError
        ? listQuery.error.message
        : t('error.network')
      : null;
  const invalidate = useInvalidate();
  const [filters, setFilters] = useState<{
    state?: FindingState;
    kind?: FindingView['kind'];
    departmentId?: string;
    overdue: boolean;
    query: string;
  }>(() => ({
    // A link from the quality report opens the list filtered to the findings behind a figure.
    ...(searchParam('state') ? { state: searchParam('state') as FindingState } : {}),
    overdue: false,
    query: '',
  }));
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [nextYear, setNextYear] = useState(false);
  const [form] = Form.useForm<CreateForm>();
  const staff = organizationWideRoles.includes(role);

  const load = useCallback(() => invalidate(findingsApi.list), [invalidate]);

  const items = useMemo(
    () =>
      tree
        ? tree.indicators.flatMap((level1) => level1.children.flatMap((level2) => level2.items))
        : [],
    [tree],
  );
  const departmentOptions = useMemo(
    () =>
      tree
        ? tree.departments.map((department) => ({ value: department.id, label: department.name }))
        : [],
    [tree],
  );

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!list || !planId) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const rows = list.rows.filter(
    (row) =>
      (!filters.state || row.state === filters.state) &&
      (!filters.kind || row.kind === filters.kind) &&
      (!filters.departmentId ||
        row.departments.some((department) => department.id === filters.departmentId)) &&
      (!filters.overdue || row.overdue) &&
      (!filters.query.trim() ||
        `${row.no} ${row.title} ${row.description}`.includes(filters.query.trim())),
  );
  const count = (predicate: (row: FindingView) => boolean) => list.rows.filter(predicate).length;

  async function create(values: CreateForm) {
    try {
      await call(findingsApi.create, {
        params: { id: planId! },
        body: {
          title: values.title,
          description: values.description ?? '',
          kind: values.kind,
          ownerDepartmentId: values.ownerDepartmentId,
          departmentIds: values.departmentIds ?? [],
          itemIds: values.itemIds,
          dueOn: values.dueOn,
        },
      });
      message.success(t('findings.created'));
      setCreating(false);
      form.resetFields();
      await load();
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 8);
    }
  }

  /** The server's .xlsx of the list with its filters (each finding's rectification actions in words). */
  const exportHref = hrefOf(findingsApi.export, {
    params: { id: planId },
    query: {
      state: filters.state,
      kind: filters.kind,
      departmentId: filters.departmentId,
      overdue: filters.overdue ? 'true' : undefined,
    },
  });

  return (
    <Card
      title={t('findings.title')}
      extra={
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={exportHref} data-testid="findings-export">
            {t('findings.export')}
          </Button>
          {staff && (
            <Button
              icon={<PlusOutlined />}
              type="primary"
              onClick={() => setCreating(true)}
              data-testid="create-finding"
            >
              {t('findings.create')}
            </Button>
          )}
          {staff && (
            <Button
              icon={<ForwardOutlined />}
              onClick={() => setNextYear(true)}
              data-testid="start-next-year"
            >
              {t('nextYear.start')}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('findings.summary', {
          total: list.rows.length,
          open: count((row) => row.state === 'open'),
          progress: count((row) => row.state === 'in_progress'),
          awaiting: count((row) => row.state === 'awaiting_verification'),
          verified: count((row) => row.state === 'verified'),
          overdue: count((row) => row.overdue),
        })}{' '}
        {t('findings.hint')}
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('findings.search')}
          onChange={(event) => setFilters({ ...filters, query: event.target.value })}
          style={{ width: 220 }}
        />
        <Select
          allowClear
          placeholder={t('findings.filter.state')}
          style={{ width: 150 }}
          value={filters.state}
          onChange={(state?: FindingState) => setFilters({ ...filters, state })}
          options={findingStates.map((state) => ({
            value: state,
            label: t(`finding.state.${state}`),
          }))}
        />
        <Select
          allowClear
          placeholder={t('findings.filter.kind')}
          style={{ width: 190 }}
          value={filters.kind}
          onChange={(kind?: FindingView['kind']) => setFilters({ ...filters, kind })}
          options={findingKinds.map((kind) => ({ value: kind, label: t(`finding.kind.${kind}`) }))}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('findings.filter.department')}
          style={{ width: 200 }}
          value={filters.departmentId}
          onChange={(departmentId?: string) => setFilters({ ...filters, departmentId })}
          options={departmentOptions}
        />
        <Checkbox
          checked={filters.overdue}
          onChange={(event) => setFilters({ ...filters, overdue: event.target.checked })}
        >
          {t('findings.filter.overdue')}
        </Checkbox>
      </Space>
      <Table<FindingView>
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('findings.empty') }}
        onRow={(row) =>
          ({
            onClick: () => setOpenId(row.id),
            style: { cursor: 'pointer' },
            'data-testid': 'finding-row',
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { title: t('finding.no'), dataIndex: 'no', width: 64, sorter: (a, b) => a.no - b.no },
          {
            title: t('finding.title'),
            dataIndex: 'title',
            render: (title: string) => <a>{title}</a>,
          },
          {
            title: t('finding.kind'),
            dataIndex: 'kind',
            width: 150,
            render: (kind: FindingView['kind']) => <Tag>{t(`finding.kind.${kind}`)}</Tag>,
          },
          {
            title: t('finding.state'),
            width: 170,
            render: (_value, row) => <FindingStateTag state={row.state} overdue={row.overdue} />,
          },
          { title: t('finding.owner'), dataIndex: ['ownerDepartment', 'name'], width: 140 },
          {
            title: t('finding.items'),
            width: 100,
            render: (_value, row) => row.items.map((item) => item.no).join(t('punct.enum')),
          },
          {
            title: t('finding.dueOn'),
            dataIndex: 'dueOn',
            width: 110,
            sorter: (a, b) => a.dueOn.localeCompare(b.dueOn),
            render: (dueOn: string, row) => (
              <Typography.Text type={row.overdue ? 'danger' : undefined}>{dueOn}</Typography.Text>
            ),
          },
          {
            title: t('finding.actions'),
            dataIndex: 'actionCount',
            width: 90,
            render: (value: number) => t('finding.actionCount', { count: value }),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('findings.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        width={680}
        data-testid="create-finding-modal"
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(values) => void create(values)}
          initialValues={{ kind: 'immediate' }}
        >
          <Form.Item
            name="title"
            label={t('finding.title')}
            rules={[{ required: true, whitespace: true, max: 200 }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('finding.description')}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} />
          </Form.Item>
          <Form.Item name="kind" label={t('finding.kind')} rules={[{ required: true }]}>
            <Radio.Group
              options={findingKinds.map((kind) => ({
                value: kind,
                label: t(`finding.kind.${kind}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="itemIds" label={t('finding.items')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              options={items.map((item) => ({
                value: item.id,
                label: `${item.no}. ${item.content.slice(0, 40)}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            name="ownerDepartmentId"
            label={t('finding.owner')}
            rules={[{ required: true }]}
          >
            <Select showSearch optionFilterProp="label" options={departmentOptions} />
          </Form.Item>
          <Form.Item name="departmentIds" label={t('finding.departments')}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              options={departmentOptions}
            />
          </Form.Item>
          <Form.Item
            name="dueOn"
            label={t('finding.dueOn')}
            rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
          >
            <Input type="date" style={{ width: 180 }} />
          </Form.Item>
        </Form>
      </Modal>
      <FindingDrawer
        planId={planId}
        findingId={openId}
        staff={staff}
        onClose={() => setOpenId(null)}
        onChanged={() => void load()}
      />
      <NextYearModal planId={planId} open={nextYear} onClose={() => setNextYear(false)} />
    </Card>
  );
}
