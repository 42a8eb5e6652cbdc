import {
  Card,
  Col,
  Empty,
  Grid,
  Input,
  List,
  Progress,
  Row,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  type InstitutionRow,
  oversightApi,
  type overviewSortKeys,
} from '../../../shared/api/oversight';
import { useOperation } from '../../api/query';
import { QueryView } from '../../components/QueryView';
import { Chart, type ChartOption } from '../../components/Chart';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { formatTime } from '../../time';
import { institutionCellTooltip } from '../../components/chart-text';

/** A percentage as a bar, or a dash when there is nothing to count yet. */
export function RateBar({ value, testId }: { value: number | null | undefined; testId?: string }) {
  if (value === null || value === undefined)
    return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Progress
      size="small"
      percent={value}
      format={(percent) => `${percent}%`}
      status={value >= 100 ? 'success' : 'normal'}
      data-testid={testId}
    />
  );
}

type SortKey = (typeof overviewSortKeys)[number];
type Order = 'asc' | 'desc';

/** The phone's three orders, each one of the server's sorts. */
const PHONE_ORDERS = {
  late: { sort: 'lateTotal', order: 'desc' },
  done: { sort: 'measuresDoneRate', order: 'asc' },
  name: { sort: 'name', order: 'asc' },
} as const satisfies Record<string, { sort: SortKey; order: Order }>;

/** The first order: the most late first, as a supervisor reads the list. */
const FIRST_ORDER = PHONE_ORDERS.late;

/**
 * For a province's or the nation's overseers, often on a phone: the institutions it oversees,
 * side by side, a page at a time. The server sorts, searches, pages and sums (3,000 institutions
 * are never sent at once); the page only says which page, which order and what to look for.
 */
export default function OversightPage() {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [{ sort, order }, setOrdering] = useState<{ sort: SortKey; order: Order }>(FIRST_ORDER);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  // The search is asked for once typing pauses, not at every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(typed.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const overview = useOperation(
    oversightApi.overview,
    { query: { ...(q ? { q } : {}), sort, order, page, pageSize } },
    { keepPrevious: true },
  );
  const data = overview.data ?? null;
  const phone = Grid.useBreakpoint().md === false;
  const phoneOrder =
    (Object.keys(PHONE_ORDERS) as (keyof typeof PHONE_ORDERS)[]).find(
      (key) => PHONE_ORDERS[key].sort === sort && PHONE_ORDERS[key].order === order,
    ) ?? 'late';
  const orderBy = (next: { sort: SortKey; order: Order }) => {
    setOrdering(next);
    setPage(1);
  };
  const sortOrderOf = (key: SortKey) =>
    sort === key ? (order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;
  const pagination = data
    ? {
        current: page,
        pageSize,
        total: data.total,
        showSizeChanger: !phone,
        pageSizeOptions: [20, 50, 100, 200],
        showTotal: (total: number) => t('oversight.total', { total }),
        onChange: (next: number, size: number) => {
          setPage(size === pageSize ? next : 1);
          setPageSize(size);
        },
      }
    : false;

  const heatmap = useMemo((): ChartOption | null => {
    if (!data) return null;
    const rows = data.institutions.filter((row) => row.figures);
    // -1: nothing to count yet, drawn grey
    const cells = rows.flatMap((row, y) =>
      data.indicators.map((_indicator, x) => [x, y, Math.round(row.doneByLevel1[x] ?? -1)]),
    );
    return {
      tooltip: {
        formatter: (params: { value: [number, number, number] }) =>
          institutionCellTooltip(
            rows[params.value[1]]!.name,
            data.indicators[params.value[0]]!.title,
            params.value[2],
          ),
      },
      grid: { left: 8, right: 8, bottom: 48, top: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: data.indicators.map((indicator) => indicator.title),
        axisLabel: {
          interval: 0,
          rotate: data.indicators.length > 4 ? 30 : 0,
          width: 80,
          overflow: 'truncate',
        },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((row) => row.name),
        axisLabel: { width: 110, overflow: 'truncate' },
      },
      visualMap: {
        type: 'piecewise',
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemGap: 6,
        pieces: [
          { value: -1, label: t('oversight.heat.none'), color: '#e8e8e8' },
          { min: 0, max: 59.99, label: '<60%', color: '#ff7875' },
          { min: 60, max: 89.99, label: '60–90%', color: '#ffc53d' },
          { min: 90, max: 100, label: '≥90%', color: '#73d13d' },
        ],
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: true,
            formatter: (params: { value: [number, number, number] }) =>
              params.value[2] < 0 ? '' : `${params.value[2]}%`,
          },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
      ],
    };
  }, [data, t]);

  // Until the first answer: the spinner, or the failure with a retry.
  if (!data || !heatmap) return <QueryView query={overview}>{() => null}</QueryView>;
  const rows = data.institutions;
  const computedAt = data.computedAt ? formatTime(data.computedAt) : null;
  const withFigures = data.institutions.filter((row) => row.figures).length;
  const { summary } = data;

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('oversight.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('oversight.intro', { supervisor: data.supervisor.name })}{' '}
          <span data-testid="oversight-updated">
            {computedAt ? t('oversight.updatedAt', { time: computedAt }) : t('oversight.notYet')}
          </span>
        </Typography.Paragraph>
      </Col>
      {data.total === 0 && q === '' ? (
        <Col xs={24}>
          <Card>
            <Empty description={t('oversight.empty')} />
          </Card>
        </Col>
      ) : (
        <>
          <Col xs={24}>
            <Card
              size="small"
              title={t('oversight.summary', {
                institutions: summary.institutions,
                withFigures: summary.withFigures,
              })}
              data-testid="oversight-summary"
            >
              <Row gutter={[16, 8]}>
                <Col xs={12} md={6}>
                  <Typography.Text type="secondary">
                    {t('oversight.submissionRate')}
                  </Typography.Text>
                  <RateBar value={summary.rates.submissionRate} />
                </Col>
                <Col xs={12} md={6}>
                  <Typography.Text type="secondary">
                    {t('oversight.measuresDoneRate')}
                  </Typography.Text>
                  <RateBar value={summary.rates.measuresDoneRate} />
                </Col>
                <Col xs={12} md={4}>
                  <Typography.Text type="secondary">
                    {t('oversight.selfAssessment')}
                  </Typography.Text>
                  <RateBar value={summary.rates.selfAssessmentRate} />
                </Col>
                <Col xs={6} md={4}>
                  <Typography.Text type="secondary">{t('oversight.late')}</Typography.Text>
                  <div>
                    <Typography.Text type={summary.figures.lateTotal > 0 ? 'danger' : undefined}>
                      {summary.figures.lateTotal}
                    </Typography.Text>
                  </div>
                </Col>
                <Col xs={6} md={4}>
                  <Typography.Text type="secondary">{t('oversight.findings')}</Typography.Text>
                  <div>
                    {summary.figures.findingsOpen}/{summary.figures.findingsOverdue}
                  </div>
                </Col>
              </Row>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('oversight.summaryHint')}
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={24}>
            <Card size="small">
              <Input.Search
                allowClear
                placeholder={t('oversight.search')}
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                onSearch={(value) => setTyped(value)}
                style={{ maxWidth: 320, marginBottom: 12 }}
                data-testid="oversight-search"
              />
              {phone ? (
                <>
                  <Segmented<'late' | 'done' | 'name'>
                    block
                    value={phoneOrder}
                    onChange={(key) => orderBy(PHONE_ORDERS[key])}
                    style={{ marginBottom: 8 }}
                    options={[
                      { value: 'late', label: t('oversight.order.late') },
                      { value: 'done', label: t('oversight.order.done') },
                      { value: 'name', label: t('oversight.order.name') },
                    ]}
                  />
                  <List<InstitutionRow>
                    dataSource={rows}
                    loading={overview.isFetching}
                    pagination={pagination}
                    renderItem={(row) => (
                      <List.Item
                        onClick={() => navigate(`/oversight/${row.id}`)}
                        style={{ cursor: 'pointer', display: 'block' }}
                      >
                        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                          <a data-testid="oversight-institution">{row.name}</a>
                          {row.figures && (
                            <Typography.Text
                              type={row.figures.lateTotal > 0 ? 'danger' : 'secondary'}
                            >
                              {t('oversight.late')} {row.figures.lateTotal}
                            </Typography.Text>
                          )}
                        </Space>
                        {row.figures ? (
                          <>
                            <div>
                              {t('oversight.measuresDoneRate')}
                              <RateBar value={row.rates?.measuresDoneRate} />
                            </div>
                            <Typography.Text type="secondary">
                              {t('oversight.submissionRate')} {row.rates?.submissionRate ?? '—'}% ·{' '}
                              {t('oversight.selfAssessment')} {row.rates?.selfAssessmentRate ?? '—'}
                              % · {t('oversight.findings')} {row.figures.findingsOpen}/
                              {row.figures.findingsOverdue}
                            </Typography.Text>
                          </>
                        ) : (
                          <Typography.Text type="secondary">
                            {row.plan ? t('oversight.notYet') : t('oversight.noPlan')}
                          </Typography.Text>
                        )}
                      </List.Item>
                    )}
                  />
                </>
              ) : (
                <Table<InstitutionRow>
                  size="small"
                  rowKey="id"
                  dataSource={rows}
                  loading={overview.isFetching}
                  pagination={pagination}
                  onChange={(_pagination, _filters, sorter, extra) => {
                    if (extra.action !== 'sort') return;
                    const one = Array.isArray(sorter) ? sorter[0] : sorter;
                    const key = one?.columnKey as SortKey | undefined;
                    // A third click clears the column's order: back to the first order.
                    orderBy(
                      key && one?.order
                        ? { sort: key, order: one.order === 'ascend' ? 'asc' : 'desc' }
                        : FIRST_ORDER,
                    );
                  }}
                  scroll={{ x: 960 }}
                  onRow={(row) => ({
                    onClick: () => navigate(`/oversight/${row.id}`),
                    style: { cursor: 'pointer' },
                  })}
                  columns={[
                    {
                      title: t('oversight.institution'),
                      dataIndex: 'name',
                      fixed: 'left',
                      width: 150,
                      render: (name: string) => <a data-testid="oversight-institution">{name}</a>,
                      key: 'name',
                      sorter: true,
                      sortOrder: sortOrderOf('name'),
                    },
                    {
                      title: t('oversight.plan'),
                      render: (_value, row) =>
                        row.plan ? (
                          t('oversight.cycle', { year: row.plan.cycleYear })
                        ) : (
                          <Typography.Text type="secondary">
                            {t('oversight.noPlan')}
                          </Typography.Text>
                        ),
                      width: 90,
                    },
                    {
                      title: t('oversight.submissionRate'),
                      render: (_value, row) => <RateBar value={row.rates?.submissionRate} />,
                      key: 'submissionRate',
                      sorter: true,
                      sortOrder: sortOrderOf('submissionRate'),
                      width: 150,
                    },
                    {
                      title: t('oversight.measuresDoneRate'),
                      render: (_value, row) => <RateBar value={row.rates?.measuresDoneRate} />,
                      key: 'measuresDoneRate',
                      sorter: true,
                      sortOrder: sortOrderOf('measuresDoneRate'),
                      width: 150,
                    },
                    {
                      title: t('oversight.late'),
                      width: 100,
                      key: 'lateTotal',
                      sorter: true,
                      sortOrder: sortOrderOf('lateTotal'),
                      render: (_value, row) =>
                        row.figures ? (
                          <Typography.Text
                            type={row.figures.lateTotal > 0 ? 'danger' : undefined}
                            data-testid="oversight-late"
                          >
                            {row.figures.lateTotal}
                          </Typography.Text>
                        ) : (
                          '—'
                        ),
                    },
                    {
                      title: t('oversight.selfAssessment'),
                      render: (_value, row) => <RateBar value={row.rates?.selfAssessmentRate} />,
                      key: 'selfAssessmentRate',
                      sorter: true,
                      sortOrder: sortOrderOf('selfAssessmentRate'),
                      width: 150,
                    },
                    {
                      title: t('oversight.findings'),
                      width: 130,
                      key: 'findingsOpen',
                      sorter: true,
                      sortOrder: sortOrderOf('findingsOpen'),
                      render: (_value, row) =>
                        row.figures ? (
                          <Space size={4}>
                            <span>{row.figures.findingsOpen}</span>/
                            <Typography.Text
                              type={row.figures.findingsOverdue > 0 ? 'danger' : undefined}
                            >
                              {row.figures.findingsOverdue}
                            </Typography.Text>
                          </Space>
                        ) : (
                          '—'
                        ),
                    },
                    {
                      title: t('oversight.updatedAt', { time: '' }).replace(/\s+$/, ''),
                      width: 150,
                      key: 'computedAt',
                      sorter: true,
                      sortOrder: sortOrderOf('computedAt'),
                      render: (_value, row) =>
                        row.computedAt ? (
                          formatTime(row.computedAt)
                        ) : (
                          <Tag>{t('oversight.notYet')}</Tag>
                        ),
                    },
                  ]}
                />
              )}
            </Card>
          </Col>
          <Col xs={24}>
            <Card title={t('oversight.heatmap')} size="small">
              <Typography.Paragraph type="secondary">
                {t('oversight.heatmapHint')} {t('oversight.heatmapPage', { count: withFigures })}
              </Typography.Paragraph>
              <Chart
                option={heatmap}
                height={Math.max(220, withFigures * 28 + 110)}
                testId="oversight-heatmap"
                onClick={(params) => {
                  const row = data.institutions.filter((entry) => entry.figures)[
                    (params.value as [number, number])[1]
                  ];
                  if (row) navigate(`/oversight/${row.id}`);
                }}
              />
            </Card>
          </Col>
        </>
      )}
    </Row>
  );
}
