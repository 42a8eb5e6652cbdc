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
import { useMemo, useState } from 'react';
import { type InstitutionRow, oversightApi } from '../../../shared/api/oversight';
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

const byNumber =
  (pick: (row: InstitutionRow) => number | null | undefined) =>
  (a: InstitutionRow, b: InstitutionRow) =>
    (pick(a) ?? -1) - (pick(b) ?? -1);

/** For a province's overseers, often on a phone: every institution it oversees, side by side. */
export default function OversightPage() {
  const { t } = useI18n();
  const overview = useOperation(oversightApi.overview, {
    query: { sort: 'lateTotal', order: 'desc' },
  });
  const data = overview.data ?? null;
  const [query, setQuery] = useState('');
  const [phoneOrder, setPhoneOrder] = useState<'late' | 'done' | 'name'>('late');
  const phone = Grid.useBreakpoint().md === false;

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
  const wanted = query.trim().toLowerCase();
  const rows = data.institutions.filter((row) => row.name.toLowerCase().includes(wanted));
  const computedAt = data.computedAt ? formatTime(data.computedAt) : null;
  const withFigures = data.institutions.filter((row) => row.figures).length;

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
      {data.institutions.length === 0 ? (
        <Col xs={24}>
          <Card>
            <Empty description={t('oversight.empty')} />
          </Card>
        </Col>
      ) : (
        <>
          <Col xs={24}>
            <Card size="small">
              <Input.Search
                allowClear
                placeholder={t('oversight.search')}
                onChange={(event) => setQuery(event.target.value)}
                style={{ maxWidth: 320, marginBottom: 12 }}
                data-testid="oversight-search"
              />
              {phone ? (
                <>
                  <Segmented<'late' | 'done' | 'name'>
                    block
                    value={phoneOrder}
                    onChange={setPhoneOrder}
                    style={{ marginBottom: 8 }}
                    options={[
                      { value: 'late', label: t('oversight.order.late') },
                      { value: 'done', label: t('oversight.order.done') },
                      { value: 'name', label: t('oversight.order.name') },
                    ]}
                  />
                  <List<InstitutionRow>
                    dataSource={[...rows].sort(
                      phoneOrder === 'name'
                        ? (a, b) => a.name.localeCompare(b.name, 'zh-CN')
                        : phoneOrder === 'late'
                          ? (a, b) => byNumber((row) => row.figures?.lateTotal)(b, a)
                          : byNumber((row) => row.rates?.measuresDoneRate),
                    )}
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
                  pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
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
                      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
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
                      sorter: byNumber((row) => row.rates?.submissionRate),
                      width: 150,
                    },
                    {
                      title: t('oversight.measuresDoneRate'),
                      render: (_value, row) => <RateBar value={row.rates?.measuresDoneRate} />,
                      sorter: byNumber((row) => row.rates?.measuresDoneRate),
                      width: 150,
                    },
                    {
                      title: t('oversight.late'),
                      width: 100,
                      sorter: byNumber((row) => row.figures?.lateTotal),
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
                      sorter: byNumber((row) => row.rates?.selfAssessmentRate),
                      width: 150,
                    },
                    {
                      title: t('oversight.findings'),
                      width: 130,
                      sorter: byNumber((row) => row.figures?.findingsOpen),
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
                {t('oversight.heatmapHint')}
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
