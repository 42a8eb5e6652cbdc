import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Grid,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { type AuditEntryView, auditApi } from '../../../shared/api/audit';
import { auditActionLabels, describeAuditAction } from '../../../shared/audit/audit-actions';
import { hrefOf } from '../../api/client';
import { useOperation } from '../../api/query';
import { useI18n } from '../../i18n';
import { errorText } from '../../usePlanTree';
import { formatTime } from '../../time';

/** The filters as they stand in the form (empty text: no filter). */
interface Filters {
  from: string;
  to: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  ip: string;
  q: string;
}
const noFilters: Filters = {
  from: '',
  to: '',
  actor: '',
  action: '',
  entityType: '',
  entityId: '',
  ip: '',
  q: '',
};
/** The export holds at most this many entries (the server refuses more: audit.export_too_large). */
const EXPORT_LIMIT = 100_000;
const PAGE_SIZE = 50;

/** Families of actions first (auth.* …), then every named action. */
const actionFamilies = ['auth', 'user', 'export'] as const;

/** The filters as the query: empty ones left out. */
function queryOf(filters: Filters): Partial<Filters> {
  return Object.fromEntries(
    Object.entries(filters)
      .map(([key, value]) => [key, value.trim()])
      .filter(([, value]) => value),
  );
}

/** A before/after value as people read it: indented JSON, or a dash. */
function Readable({ value }: { value: unknown }) {
  if (value === null || value === undefined)
    return <Typography.Text type="secondary">—</Typography.Text>;
  return <pre className="audit-json">{JSON.stringify(value, null, 2)}</pre>;
}

/**
 * 审计日志, the auditor's page: search every sign-in, failure, permission change, export and write
 * of the institution by date (Beijing), person, action, record, address or words; see a change's
 * before and after; export what the filters find as Excel.
 */
export default function AuditPage() {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [page, setPage] = useState(1);
  // Keyed by the filters and the page: an older search's slower answer never replaces a newer one.
  const query = useOperation(
    auditApi.list,
    { query: { ...queryOf(filters), page, pageSize: PAGE_SIZE } },
    { keepPrevious: true },
  );
  const result = query.data ?? null;
  const loading = query.isFetching;
  const error = query.isError ? errorText(query.error, t('error.network')) : null;

  const screens = Grid.useBreakpoint();
  const label = (action: string) => (locale === 'zh-CN' ? describeAuditAction(action) : action);
  const set = (key: keyof Filters) => (value: string) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const search = () => {
    setPage(1);
    setFilters(draft);
  };
  const actionOptions = [
    ...actionFamilies.map((family) => ({ value: family, label: t(`audit.family.${family}`) })),
    ...Object.keys(auditActionLabels).map((action) => ({
      value: action,
      label: `${label(action)}${t('punct.open')}${action}${t('punct.close')}`,
    })),
  ];
  const at = (value: string) => formatTime(value);
  const actionTag = (action: string) => (
    <Tag
      color={
        action.endsWith('_failed') ||
        action === 'auth.account_locked' ||
        action === 'auth.sign_in_rate_limited'
          ? 'error'
          : action.startsWith('export')
            ? 'gold'
            : action.startsWith('user.')
              ? 'purple'
              : 'blue'
      }
    >
      {label(action)}
    </Tag>
  );
  const columns: TableColumnsType<AuditEntryView> = [
    { title: t('audit.col.at'), dataIndex: 'at', width: 150, render: (value: string) => at(value) },
    {
      title: t('audit.col.actor'),
      dataIndex: 'actorName',
      width: 120,
      render: (name: string | null) => name ?? '—',
    },
    {
      title: t('audit.col.action'),
      dataIndex: 'action',
      width: 200,
      render: (action: string) => (
        <Space direction="vertical" size={0}>
          {actionTag(action)}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {action}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('audit.col.entity'),
      width: 160,
      ellipsis: true,
      render: (_value, entry) => (
        <span title={entry.entityId ?? ''}>
          {entry.entityType}
          {entry.entityId ? ` · ${entry.entityId.slice(0, 8)}` : ''}
        </span>
      ),
    },
    {
      title: t('audit.col.ip'),
      dataIndex: 'ip',
      width: 120,
      render: (ip: string | null) => ip ?? '—',
    },
  ];
  // On a phone one column says it all: when, who, what.
  const phoneColumns: TableColumnsType<AuditEntryView> = [
    {
      title: t('audit.col.action'),
      render: (_value, entry) => (
        <Space direction="vertical" size={0}>
          <Space size={4} wrap>
            {actionTag(entry.action)}
            <Typography.Text>{entry.actorName ?? '—'}</Typography.Text>
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {at(entry.at)}
            {entry.ip ? ` · ${entry.ip}` : ''}
          </Typography.Text>
        </Space>
      ),
    },
  ];
  const tooMany = (result?.total ?? 0) > EXPORT_LIMIT;
  const exportUrl = hrefOf(auditApi.export, { query: queryOf(filters) });

  return (
    <Card
      title={t('audit.title')}
      extra={
        result && (
          <Typography.Text type="secondary" data-testid="audit-total">
            {t('audit.total', { total: result.total })}
          </Typography.Text>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('audit.hint')}</Typography.Paragraph>
      <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="audit-filters">
        <Space.Compact>
          <Input
            type="date"
            prefix={t('audit.filter.fromShort')}
            value={draft.from}
            onChange={(event) => set('from')(event.target.value)}
            aria-label={t('audit.filter.from')}
            style={{ width: 170 }}
            data-testid="audit-from"
          />
          <Input
            type="date"
            prefix={t('audit.filter.toShort')}
            value={draft.to}
            onChange={(event) => set('to')(event.target.value)}
            aria-label={t('audit.filter.to')}
            style={{ width: 170 }}
            data-testid="audit-to"
          />
        </Space.Compact>
        <Input
          allowClear
          placeholder={t('audit.filter.actor')}
          value={draft.actor}
          onChange={(event) => set('actor')(event.target.value)}
          style={{ width: 140 }}
          data-testid="audit-actor"
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('audit.filter.action')}
          value={draft.action || undefined}
          onChange={(value?: string) => set('action')(value ?? '')}
          options={actionOptions}
          style={{ width: 230 }}
          data-testid="audit-action"
        />
        <Input
          allowClear
          placeholder={t('audit.filter.entityType')}
          value={draft.entityType}
          onChange={(event) => set('entityType')(event.target.value)}
          style={{ width: 120 }}
        />
        <Input
          allowClear
          placeholder={t('audit.filter.entityId')}
          value={draft.entityId}
          onChange={(event) => set('entityId')(event.target.value)}
          style={{ width: 150 }}
        />
        <Input
          allowClear
          placeholder={t('audit.filter.ip')}
          title={t('audit.filter.ipHint')}
          value={draft.ip}
          onChange={(event) => set('ip')(event.target.value)}
          style={{ width: 130 }}
        />
        <Input
          allowClear
          placeholder={t('audit.filter.q')}
          value={draft.q}
          onChange={(event) => set('q')(event.target.value)}
          onPressEnter={search}
          style={{ width: 170 }}
          data-testid="audit-q"
        />
        <Button
          type="primary"
          icon={<SearchOutlined />}
          onClick={search}
          data-testid="audit-search"
        >
          {t('audit.search')}
        </Button>
        <Button
          onClick={() => {
            setDraft(noFilters);
            setPage(1);
            setFilters(noFilters);
          }}
        >
          {t('audit.reset')}
        </Button>
        <Button
          icon={<DownloadOutlined />}
          href={tooMany ? undefined : exportUrl}
          disabled={tooMany || !result || result.total === 0}
          data-testid="audit-export"
        >
          {t('audit.export')}
        </Button>
      </Flex>
      {tooMany && (
        <Alert
          type="warning"
          showIcon
          message={t('audit.tooMany', { limit: EXPORT_LIMIT })}
          style={{ marginBottom: 12 }}
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<AuditEntryView>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={result?.entries ?? []}
        scroll={screens.md === false ? undefined : { x: 900 }}
        onRow={() => ({ 'data-testid': 'audit-row' }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: result?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (total) => t('audit.total', { total }),
        }}
        expandable={{
          expandRowByClick: true,
          rowExpandable: (entry) =>
            entry.before !== null || entry.after !== null || entry.userAgent !== null,
          expandedRowRender: (entry) => (
            <div data-testid="audit-detail">
              <Flex wrap gap={16}>
                <div style={{ flex: '1 1 320px', minWidth: 0 }}>
                  <Typography.Text strong>{t('audit.before')}</Typography.Text>
                  <Readable value={entry.before} />
                </div>
                <div style={{ flex: '1 1 320px', minWidth: 0 }}>
                  <Typography.Text strong>{t('audit.after')}</Typography.Text>
                  <Readable value={entry.after} />
                </div>
              </Flex>
              <Descriptions
                size="small"
                column={1}
                items={[
                  {
                    key: 'entity',
                    label: t('audit.col.entity'),
                    children: `${entry.entityType} ${entry.entityId ?? ''}`,
                  },
                  { key: 'agent', label: t('audit.userAgent'), children: entry.userAgent ?? '—' },
                ]}
              />
            </div>
          ),
        }}
        columns={screens.md === false ? phoneColumns : columns}
      />
    </Card>
  );
}
