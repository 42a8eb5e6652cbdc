import { DownloadOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Grid,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  supervisionApi,
  type LogEntry,
  type OverdueView,
  type RemindAllResult,
  type SettingsView,
} from '../../../shared/api/supervision';
import type { MessageKey } from '../../../shared/i18n/messages';
import { ApiError, call } from '../../api/client';
import { useOperation, useWrite } from '../../api/query';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { formatTime } from '../../time';
import { ColourTag, IssueNoticeButton, NoticeList } from './Notices';

type LateRow = OverdueView['departments'][number];

const levels = ['liaison', 'head', 'digest', 'manual', 'test'] as const;
const channels = ['in_app', 'email', 'wecom', 'dingtalk'] as const;
const statuses = ['sent', 'failed', 'sending'] as const;
const statusColor = { sent: 'green', failed: 'red', sending: 'blue' } as const;

function useErrorText() {
  const { t } = useI18n();
  return useCallback(
    (caught: unknown) => (caught instanceof ApiError ? caught.message : t('error.network')),
    [t],
  );
}

const LISTED = 5;

/** A department's late work: the first few, then a count that opens the rest (no wall of 100 lines). */
function LateList({ subjects }: { subjects: LateRow['subjects'] }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const shown = all ? subjects : subjects.slice(0, LISTED);
  return (
    <>
      <ul className="supervision-subject">
        {shown.map((subject) => (
          <li key={subject.key}>
            <ColourTag colour={subject.colour} days={subject.daysLate} />
            {subject.itemNo !== null && <Tag>{subject.itemNo}</Tag>}
            {subject.what}
          </li>
        ))}
      </ul>
      {subjects.length > LISTED && (
        <Button
          type="link"
          size="small"
          data-testid="late-more"
          onClick={() => setAll((open) => !open)}
        >
          {all
            ? t('supervision.fewer')
            : t('supervision.more', { count: subjects.length - LISTED, total: subjects.length })}
        </Button>
      )}
    </>
  );
}

/** The coordinating office's 督办 page: what is late now, the reminder log, and the settings. */
export default function SupervisionPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState('late');
  const [escalationDays, setEscalationDays] = useState(3);
  return (
    <Card title={t('supervision.title')}>
      <Typography.Paragraph type="secondary">
        {t('supervision.hint', { days: escalationDays })}
      </Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          {
            key: 'late',
            label: t('supervision.tab.late'),
            children: <LateTab onDays={setEscalationDays} />,
          },
          {
            key: 'notices',
            label: t('supervision.tab.notices'),
            children: <NoticeList office />,
          },
          { key: 'log', label: t('supervision.tab.log'), children: <LogTab /> },
          {
            key: 'settings',
            label: t('supervision.tab.settings'),
            children: <SettingsTab onDays={setEscalationDays} />,
          },
        ]}
      />
    </Card>
  );
}

function LateTab({ onDays }: { onDays(days: number): void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const overdue = useOperation(supervisionApi.overdue, {});
  const notices = useOperation(supervisionApi.notices, {});
  /** Each department's notices still awaiting an answer, shown by its name. */
  const openNotices = (departmentId: string) =>
    (notices.data?.notices ?? []).filter(
      (notice) => notice.department.id === departmentId && !notice.answered,
    );
  const noticeTags = (departmentId: string) =>
    openNotices(departmentId).map((notice) => (
      <Tag key={notice.id} color="blue" data-testid="open-notice">
        {t('supervision.notice.openTag', { number: notice.numberText })}
      </Tag>
    ));
  const remindWrite = useWrite(supervisionApi.remind, { invalidates: [supervisionApi.overdue] });
  const remindAllWrite = useWrite(supervisionApi.remindAll, {
    invalidates: [supervisionApi.overdue],
  });
  const [unreached, setUnreached] = useState<RemindAllResult['departments']>([]);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const wide = Grid.useBreakpoint().md !== false;
  const escalationDays = overdue.data?.escalationDays;
  useEffect(() => {
    if (escalationDays !== undefined) onDays(escalationDays);
  }, [escalationDays, onDays]);

  async function remind(row: LateRow) {
    setBusy(row.department.id);
    try {
      const result = await remindWrite.mutateAsync({
        body: { departmentId: row.department.id },
      });
      if (result.sent === 0 && result.failed === 0) message.info(t('supervision.remindedNone'));
      else
        (result.failed > 0 ? message.warning : message.success)(
          t('supervision.reminded', {
            sent: result.sent,
            failedPart:
              result.failed > 0 ? t('supervision.remindedFailed', { failed: result.failed }) : '',
          }),
          6,
        );
    } catch (caught) {
      message.error(errorText(caught), 8);
    } finally {
      setBusy(null);
    }
  }

  /** 催办全部: one message per late department; those nobody could be reached at are listed. */
  async function remindAll() {
    setBusy('all');
    try {
      const result = await remindAllWrite.mutateAsync({});
      setUnreached(result.departments.filter((entry) => entry.refusal !== null));
      const alreadyToday =
        result.told === 0 && result.departments.some((entry) => entry.skipped > 0);
      (result.told > 0 ? message.success : message.info)(
        (alreadyToday && result.groupMessages === 0
          ? t('supervision.remindAll.already')
          : t('supervision.remindAll.done', {
              told: result.told,
              total: result.departments.length,
            })) + (result.groupMessages > 0 ? t('supervision.remindAll.groups') : ''),
        8,
      );
    } catch (caught) {
      message.error(errorText(caught), 8);
    } finally {
      setBusy(null);
    }
  }

  return <QueryView query={overdue}>{(view) => renderView(view)}</QueryView>;

  function renderView(view: OverdueView) {
    const rows = view.departments.filter((row) => row.department.name.includes(query.trim()));
    const total = view.departments.reduce((sum, row) => sum + row.subjects.length, 0);
    const coverageGaps =
      view.coverageGaps.length === 0 ? null : (
        <Card
          size="small"
          title={t('supervision.coverageGaps')}
          data-testid="coverage-gaps"
          style={{ marginTop: 12 }}
        >
          <Typography.Paragraph type="secondary">
            {t('supervision.coverageGapsHint')}
          </Typography.Paragraph>
          {view.coverageGaps.map((gap) => (
            <div
              key={gap.department.id ?? 'none'}
              data-testid="coverage-gap"
              style={{ marginBottom: 8 }}
            >
              <Typography.Text strong>{gap.department.name}</Typography.Text>{' '}
              <Tag color="orange">{t('supervision.coverageMissing', { count: gap.missing })}</Tag>
              {gap.rules.map((rule) => (
                <div key={rule.ruleId}>
                  <a onClick={() => navigate(rule.link)}>{rule.name}</a>{' '}
                  <Typography.Text type="secondary">
                    {t('supervision.coverageRule', {
                      covered: rule.covered,
                      required: rule.required,
                      missing: rule.missing,
                      dueOn: rule.dueOn,
                    })}
                  </Typography.Text>
                </div>
              ))}
            </div>
          ))}
        </Card>
      );
    const remindButton = (row: LateRow) => (
      <Space size={4} wrap>
        <Popconfirm
          title={t('supervision.remindConfirm', { department: row.department.name })}
          onConfirm={() => remind(row)}
          okText={t('supervision.remind')}
        >
          <Button
            size="small"
            type="primary"
            danger
            icon={<SendOutlined />}
            loading={busy === row.department.id}
            data-testid="remind"
          >
            {t('supervision.remind')}
          </Button>
        </Popconfirm>
        <IssueNoticeButton department={row.department} today={view.today} />
      </Space>
    );
    // The summary, the colour thresholds and 催办全部: above the cards on a phone, the table on a desk.
    const header = (
      <>
        <Typography.Paragraph strong data-testid="supervision-summary">
          {total === 0
            ? t('supervision.none')
            : t('supervision.summary', {
                today: view.today,
                departments: view.departments.length,
                subjects: total,
              })}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" data-testid="warning-thresholds">
          {t('supervision.warning.legend', view.thresholds)}
        </Typography.Paragraph>
        {view.departments.length > 0 && (
          <Space wrap style={{ marginBottom: 12 }}>
            <Popconfirm
              title={t('supervision.remindAll.confirm', { departments: view.departments.length })}
              onConfirm={remindAll}
              okText={t('supervision.remindAll')}
              okButtonProps={{ 'data-testid': 'remind-all-ok' } as Record<`data-${string}`, string>}
            >
              <Button
                type="primary"
                danger
                icon={<SendOutlined />}
                loading={busy === 'all'}
                data-testid="remind-all"
              >
                {t('supervision.remindAll')}
              </Button>
            </Popconfirm>
            <Typography.Text type="secondary">{t('supervision.remindAll.hint')}</Typography.Text>
          </Space>
        )}
        {unreached.length > 0 && (
          <Alert
            type="warning"
            showIcon
            closable
            onClose={() => setUnreached([])}
            data-testid="remind-all-unreached"
            style={{ marginBottom: 12 }}
            message={t('supervision.remindAll.unreached', { count: unreached.length })}
            description={t('supervision.remindAll.unreachedHint', {
              names: unreached
                .map((entry) => entry.department.name)
                .join(locale === 'en' ? ', ' : '、'),
            })}
          />
        )}
      </>
    );
    if (!wide) {
      // On a phone: one card per department, the latest first.
      return (
        <>
          {header}
          <Input.Search
            allowClear
            placeholder={t('supervision.search')}
            onChange={(event) => setQuery(event.target.value)}
            style={{ marginBottom: 12 }}
          />
          {rows.map((row) => (
            <Card
              key={row.department.id}
              size="small"
              style={{ marginBottom: 8 }}
              title={
                <span>
                  <ColourTag colour={row.colour} days={row.maxDaysLate} />
                  {row.department.name}
                </span>
              }
            >
              {noticeTags(row.department.id)}
              <LateList subjects={row.subjects} />
              <div style={{ marginTop: 8 }}>{remindButton(row)}</div>
            </Card>
          ))}
          {coverageGaps}
        </>
      );
    }
    return (
      <>
        {header}
        <Input.Search
          allowClear
          placeholder={t('supervision.search')}
          onChange={(event) => setQuery(event.target.value)}
          style={{ maxWidth: 320, marginBottom: 12 }}
        />
        <Table<LateRow>
          size="small"
          rowKey={(row) => row.department.id}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 760 }}
          columns={[
            {
              title: t('supervision.department'),
              dataIndex: ['department', 'name'],
              width: 160,
              render: (name: string, row) => (
                <>
                  <a
                    data-testid="late-department"
                    onClick={() => navigate(`/board/${row.department.id}`)}
                  >
                    {name}
                  </a>
                  <div>{noticeTags(row.department.id)}</div>
                </>
              ),
              sorter: (a, b) => a.department.name.localeCompare(b.department.name, 'zh-CN'),
            },
            {
              title: t('supervision.items'),
              render: (_value, row) => <LateList subjects={row.subjects} />,
            },
            {
              title: t('supervision.daysLate'),
              dataIndex: 'maxDaysLate',
              width: 110,
              defaultSortOrder: 'descend',
              sorter: (a, b) => a.maxDaysLate - b.maxDaysLate,
              render: (days: number, row) => <ColourTag colour={row.colour} days={days} />,
            },
            {
              title: t('supervision.lastReminder'),
              width: 180,
              render: (_value, row) => {
                const last = row.subjects
                  .map((subject) => subject.lastReminder)
                  .filter((entry) => entry !== null)
                  .sort((a, b) => b.at.localeCompare(a.at))[0];
                return last ? (
                  <span>
                    {t(`supervision.level.${last.level}` as MessageKey)}
                    <br />
                    <Typography.Text type="secondary">{formatTime(last.at)}</Typography.Text>
                  </span>
                ) : (
                  <Typography.Text type="secondary">{t('supervision.never')}</Typography.Text>
                );
              },
            },
            {
              title: '',
              width: 200,
              fixed: 'right',
              render: (_value, row) => remindButton(row),
            },
          ]}
        />
        {coverageGaps}
      </>
    );
  }
}

function csvCell(value: string): string {
  // A leading =, +, - or @ would run as a formula in Excel.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function LogTab() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  // Typing in the search waits a moment before it asks again.
  const [settled, setSettled] = useState(filters);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(filters), 250);
    return () => clearTimeout(timer);
  }, [filters]);
  const settings = useOperation(supervisionApi.settings, {});
  const departments = settings.data?.contacts.map((contact) => contact.department) ?? [];
  const log = useOperation(
    supervisionApi.log,
    { query: { ...(settled as Record<string, never>), limit: 1000 } },
    { keepPrevious: true },
  );
  const entries = log.data?.entries ?? null;
  const error = log.isError ? errorText(log.error) : null;

  const set = (key: string) => (value: string | undefined) =>
    setFilters((current) => ({ ...current, [key]: value || undefined }));
  const label = useMemo(
    () => ({
      level: (value: LogEntry['level']) => t(`supervision.level.${value}`),
      channel: (value: LogEntry['channel']) => t(`supervision.channel.${value}`),
      status: (value: LogEntry['status']) => t(`supervision.status.${value}`),
    }),
    [t],
  );

  function exportCsv() {
    if (!entries) return;
    const header = [
      t('supervision.log.at'),
      t('supervision.department'),
      t('supervision.log.level'),
      t('supervision.log.channel'),
      t('supervision.log.recipient'),
      t('supervision.log.status'),
      t('supervision.log.summary'),
      t('supervision.log.actor'),
    ];
    const lines = entries.map((entry) => [
      formatTime(entry.at),
      entry.department?.name ?? '',
      label.level(entry.level),
      label.channel(entry.channel),
      entry.recipient,
      `${label.status(entry.status)}${entry.error ? `${t('punct.colon')}${entry.error}` : ''}`,
      entry.summary,
      entry.actorName === 'system' ? t('supervision.log.system') : entry.actorName,
    ]);
    const csv = `\uFEFF${[header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n')}`;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    link.download = `督办记录-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <>
      <div className="supervision-filters">
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('supervision.department')}
          style={{ minWidth: 180 }}
          onChange={set('departmentId')}
          options={departments.map((department) => ({
            value: department.id,
            label: department.name,
          }))}
        />
        <Select
          allowClear
          placeholder={t('supervision.log.level')}
          onChange={set('level')}
          options={levels.map((value) => ({ value, label: label.level(value) }))}
        />
        <Select
          allowClear
          placeholder={t('supervision.log.channel')}
          onChange={set('channel')}
          options={channels.map((value) => ({ value, label: label.channel(value) }))}
        />
        <Select
          allowClear
          placeholder={t('supervision.log.status')}
          onChange={set('status')}
          options={statuses.map((value) => ({ value, label: label.status(value) }))}
        />
        <Space.Compact>
          <Input
            type="date"
            aria-label={`${t('supervision.log.dates')} 1`}
            onChange={(event) => set('from')(event.target.value)}
            style={{ width: 150 }}
          />
          <Input
            type="date"
            aria-label={`${t('supervision.log.dates')} 2`}
            onChange={(event) => set('to')(event.target.value)}
            style={{ width: 150 }}
          />
        </Space.Compact>
        <Input.Search
          allowClear
          placeholder={t('supervision.log.search')}
          onChange={(event) => set('q')(event.target.value.trim())}
          style={{ width: 220 }}
        />
        <Button icon={<DownloadOutlined />} onClick={exportCsv} disabled={!entries?.length}>
          {t('supervision.log.export')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('supervision.log.retryHint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<LogEntry>
        size="small"
        rowKey="id"
        loading={entries === null}
        dataSource={entries ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 980 }}
        data-testid="supervision-log"
        columns={[
          {
            title: t('supervision.log.at'),
            dataIndex: 'at',
            width: 160,
            render: (at: string) => formatTime(at),
          },
          {
            title: t('supervision.department'),
            width: 130,
            render: (_value, entry) => entry.department?.name ?? '—',
          },
          {
            title: t('supervision.log.level'),
            dataIndex: 'level',
            width: 110,
            render: label.level,
          },
          {
            title: t('supervision.log.channel'),
            dataIndex: 'channel',
            width: 90,
            render: label.channel,
          },
          {
            title: t('supervision.log.recipient'),
            dataIndex: 'recipient',
            width: 180,
            ellipsis: true,
          },
          {
            title: t('supervision.log.status'),
            width: 90,
            render: (_value, entry) => (
              <Tag color={statusColor[entry.status]} title={entry.error ?? undefined}>
                {label.status(entry.status)}
              </Tag>
            ),
          },
          {
            title: t('supervision.log.summary'),
            render: (_value, entry) => (
              <>
                {entry.summary}
                {entry.error && (
                  <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
                    {entry.error}
                  </Typography.Text>
                )}
              </>
            ),
          },
          {
            title: t('supervision.log.actor'),
            dataIndex: 'actorName',
            width: 100,
            render: (name: string) => (name === 'system' ? t('supervision.log.system') : name),
          },
        ]}
      />
    </>
  );
}

interface SettingsForm {
  escalationDays: number;
}

/**
 * A robot as the office sees it: set or not, masked, and its 测试 button. The address is the
 * security admin's (外呼地址), so it is read-only here.
 */
export function RobotStatus({
  label,
  saved,
  onTest,
  testId,
  note,
}: {
  label: string;
  saved: SettingsView['wecomWebhook'];
  onTest?: () => void;
  testId?: string;
  note?: string;
}) {
  const { t } = useI18n();
  return (
    <Form.Item label={label} extra={note}>
      <Space wrap>
        {saved.set ? (
          <Typography.Text code data-testid={testId ? `${testId}-masked` : undefined}>
            {saved.masked}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('supervision.settings.unset')}</Typography.Text>
        )}
        {onTest && saved.set && (
          <Button icon={<SendOutlined />} onClick={onTest} data-testid={testId}>
            {t('supervision.settings.test')}
          </Button>
        )}
      </Space>
    </Form.Item>
  );
}

function SettingsTab({ onDays }: { onDays(days: number): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [saving, setSaving] = useState(false);
  const [testTo, setTestTo] = useState('');
  const [heads, setHeads] = useState<Record<string, { headName: string; headEmail: string }>>({});
  const [form] = Form.useForm<SettingsForm>();
  const loaded = useOperation(supervisionApi.settings, {});
  const updateSettings = useWrite(supervisionApi.updateSettings, {
    invalidates: [supervisionApi.overdue],
  });
  const saveContact = useWrite(supervisionApi.saveContact, { invalidates: [] });

  const accept = useCallback(
    (loaded: SettingsView) => {
      setSettings(loaded);
      onDays(loaded.escalationDays);
      form.setFieldsValue({ escalationDays: loaded.escalationDays });
      setHeads(
        Object.fromEntries(
          loaded.contacts.map((contact) => [
            contact.department.id,
            { headName: contact.headName ?? '', headEmail: contact.headEmail ?? '' },
          ]),
        ),
      );
    },
    [form, onDays],
  );
  useEffect(() => {
    if (loaded.data) accept(loaded.data);
  }, [loaded.data, accept]);

  async function save(values: SettingsForm) {
    if (!settings) return;
    setSaving(true);
    try {
      accept(
        await updateSettings.mutateAsync({
          body: { version: settings.version, escalationDays: values.escalationDays },
        }),
      );
      message.success(t('supervision.settings.done'));
    } catch (caught) {
      message.error(errorText(caught), 8);
      if (caught instanceof ApiError && caught.status === 409) void loaded.refetch();
    } finally {
      setSaving(false);
    }
  }

  async function test(channel: 'email' | 'wecom' | 'dingtalk') {
    try {
      const result = await call(supervisionApi.testSend, {
        body: channel === 'email' && testTo.trim() ? { channel, to: testTo.trim() } : { channel },
      });
      if (result.ok)
        message.success(t('supervision.settings.testOk', { recipient: result.recipient }), 6);
      else message.error(t('supervision.settings.testFailed', { error: result.error ?? '' }), 10);
    } catch (caught) {
      message.error(errorText(caught), 8);
    }
  }

  async function saveHead(contact: SettingsView['contacts'][number]) {
    const values = heads[contact.department.id];
    if (!values) return;
    try {
      accept(
        await saveContact.mutateAsync({
          params: { departmentId: contact.department.id },
          body: {
            version: contact.version,
            headName: values.headName,
            headEmail: values.headEmail,
          },
        }),
      );
      message.success(t('supervision.settings.headSaved', { department: contact.department.name }));
    } catch (caught) {
      message.error(errorText(caught), 8);
    }
  }

  if (!settings) return <QueryView query={loaded}>{() => null}</QueryView>;
  return (
    <div style={{ maxWidth: 860 }}>
      <Alert
        type={settings.mailConfigured ? 'success' : 'warning'}
        showIcon
        message={
          settings.mailConfigured
            ? t('supervision.settings.mailOn')
            : t('supervision.settings.mailOff')
        }
        style={{ marginBottom: 16 }}
      />
      {settings.mailConfigured && (
        <Space.Compact style={{ marginBottom: 24, maxWidth: 480, width: '100%' }}>
          <Input
            placeholder={t('supervision.settings.testEmail')}
            value={testTo}
            onChange={(event) => setTestTo(event.target.value)}
            type="email"
          />
          <Button icon={<SendOutlined />} onClick={() => test('email')}>
            {t('supervision.settings.test')}
          </Button>
        </Space.Compact>
      )}
      <ThresholdsForm settings={settings} onSaved={accept} />
      <Typography.Title level={5}>{t('supervision.settings.robots')}</Typography.Title>
      <Alert
        type="info"
        showIcon
        message={t('supervision.settings.robotsBySecurityAdmin')}
        description={t('supervision.settings.robotsReadOnlyHint')}
        style={{ marginBottom: 16 }}
        data-testid="robots-by-security-admin"
      />
      <Form form={form} layout="vertical" onFinish={save} data-testid="supervision-settings">
        <RobotStatus
          label={t('supervision.settings.wecom')}
          saved={settings.wecomWebhook}
          onTest={() => test('wecom')}
          testId="test-wecom"
        />
        <RobotStatus
          label={t('supervision.settings.dingtalk')}
          saved={settings.dingtalkWebhook}
          onTest={() => test('dingtalk')}
          testId="test-dingtalk"
        />
        <RobotStatus label={t('supervision.settings.secret')} saved={settings.dingtalkSecret} />
        <Form.Item
          name="escalationDays"
          label={t('supervision.settings.escalation')}
          rules={[{ required: true }]}
        >
          <InputNumber min={1} max={60} addonAfter={t('supervision.days', { days: '' }).trim()} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('supervision.settings.save')}
        </Button>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 32 }}>
        {t('supervision.settings.heads')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('supervision.settings.headsHint')}
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey={(row) => row.department.id}
        dataSource={settings.contacts}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 640 }}
        columns={[
          { title: t('supervision.department'), dataIndex: ['department', 'name'], width: 180 },
          {
            title: t('supervision.settings.headName'),
            width: 160,
            render: (_value, row) => (
              <Input
                value={heads[row.department.id]?.headName ?? ''}
                maxLength={50}
                onChange={(event) =>
                  setHeads((current) => ({
                    ...current,
                    [row.department.id]: {
                      headName: event.target.value,
                      headEmail: current[row.department.id]?.headEmail ?? '',
                    },
                  }))
                }
              />
            ),
          },
          {
            title: t('supervision.settings.headEmail'),
            render: (_value, row) => (
              <Input
                type="email"
                value={heads[row.department.id]?.headEmail ?? ''}
                onChange={(event) =>
                  setHeads((current) => ({
                    ...current,
                    [row.department.id]: {
                      headName: current[row.department.id]?.headName ?? '',
                      headEmail: event.target.value,
                    },
                  }))
                }
              />
            ),
          },
          {
            title: '',
            width: 90,
            render: (_value, row) => (
              <Button
                size="small"
                onClick={() => saveHead(row)}
                disabled={
                  !heads[row.department.id]?.headName.trim() ||
                  !heads[row.department.id]?.headEmail.trim()
                }
              >
                {t('supervision.settings.saveHead')}
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}

/** 三色预警: the days overdue from which late work is yellow, orange and red. */
function ThresholdsForm({
  settings,
  onSaved,
}: {
  settings: SettingsView;
  onSaved(saved: SettingsView): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<SettingsView['thresholds']>();
  const write = useWrite(supervisionApi.updateThresholds, {
    invalidates: [supervisionApi.overdue],
  });
  useEffect(() => form.setFieldsValue(settings.thresholds), [form, settings.thresholds]);
  async function save(values: SettingsView['thresholds']) {
    try {
      onSaved(await write.mutateAsync({ body: { version: settings.version, ...values } }));
      message.success(t('supervision.warning.saved'));
    } catch (caught) {
      message.error(errorText(caught), 8);
    }
  }
  const unit = t('supervision.days', { days: '' }).trim();
  return (
    <>
      <Typography.Title level={5}>{t('supervision.warning.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('supervision.warning.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        onFinish={save}
        data-testid="warning-form"
        style={{ rowGap: 8, marginBottom: 24 }}
      >
        {(['yellowDays', 'orangeDays', 'redDays'] as const).map((name) => (
          <Form.Item
            key={name}
            name={name}
            label={t(`supervision.warning.${name}`)}
            rules={[{ required: true, message: t('supervision.warning.required') }]}
          >
            <InputNumber min={1} max={366} precision={0} addonAfter={unit} style={{ width: 130 }} />
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit" loading={write.isPending}>
          {t('supervision.warning.save')}
        </Button>
      </Form>
    </>
  );
}
