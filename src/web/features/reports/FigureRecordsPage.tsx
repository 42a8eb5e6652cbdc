import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { type FigureRecords, reportsApi } from '../../../shared/api/reports';
import { recordRefSchema } from '../../../shared/report/quality-report.contract';
import { useOperation } from '../../api/query';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';

const PAGE_SIZE = 50;

type Row = FigureRecords['records']['rows'][number];

/**
 * The records behind one figure of a quality report, read-only (issue 11.5): what a reviewer
 * judges. The address names the report and the figure's ref, as the report's figure links it.
 */
export default function FigureRecordsPage() {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const reportId = searchParam('report');
  const page = recordRefSchema.shape.page.safeParse(searchParam('page'));
  const filters = searchParam('filters') ?? '';
  const query = useOperation(
    reportsApi.figureRecords,
    reportId && page.success
      ? { params: { reportId }, query: { page: page.data, filters, offset, limit: PAGE_SIZE } }
      : null,
    { keepPrevious: true },
  );
  const back = reportId ? `/report?report=${encodeURIComponent(reportId)}` : '/report';
  if (!reportId || !page.success)
    return <Alert type="warning" showIcon title={t('figureRecords.missing')} />;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <a href={back} data-testid="back-to-report">
        <ArrowLeftOutlined /> {t('figureRecords.back')}
      </a>
      <QueryView query={query}>
        {(data) => (
          <Card
            title={
              <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>
                {figureTitle(data, t)}
              </Typography.Title>
            }
            data-testid="figure-records"
          >
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                {t('figureRecords.hint', {
                  title: data.report.title,
                  version: data.report.version,
                  asOf: data.report.asOf,
                })}
              </Typography.Paragraph>
              <Typography.Text data-testid="figure-counts">
                {t('figureRecords.inReport', { counts: countsText(data.figure) })}
                {t('punct.comma')}
                {t('figureRecords.records', { total: data.total })}
              </Typography.Text>
              {(data.current.numerator !== data.figure.numerator ||
                data.current.denominator !== data.figure.denominator) && (
                <Alert
                  type="warning"
                  showIcon
                  title={t('figureRecords.changed', { counts: countsText(data.current) })}
                />
              )}
              {data.survey && (
                <Alert
                  type="info"
                  showIcon
                  title={t('figureRecords.survey', data.survey)}
                  data-testid="survey-aggregates"
                />
              )}
              {data.records.kind === 'activities' && (
                <Alert type="info" showIcon title={t('figureRecords.coverage')} />
              )}
              <Table<Row>
                size="small"
                rowKey={(_row, index) => String(offset + (index ?? 0))}
                dataSource={data.records.rows}
                columns={columnsOf(data.records.kind, t)}
                scroll={{ x: 'max-content' }}
                locale={{ emptyText: t('report.none') }}
                pagination={{
                  current: Math.floor(offset / PAGE_SIZE) + 1,
                  pageSize: PAGE_SIZE,
                  total: data.total,
                  showSizeChanger: false,
                  onChange: (next) => setOffset((next - 1) * PAGE_SIZE),
                }}
              />
            </Space>
          </Card>
        )}
      </QueryView>
    </Space>
  );
}

type Translate = ReturnType<typeof useI18n>['t'];

function countsText(counts: { numerator: number | null; denominator: number | null }): string {
  if (counts.numerator === null) return '—';
  return counts.denominator === null
    ? String(counts.numerator)
    : `${counts.numerator}/${counts.denominator}`;
}

function figureTitle(data: FigureRecords, t: Translate): string {
  const kind = t(`figureRecords.kind.${data.figure.kind}` as never);
  const name =
    data.figure.kind === 'findingState' && data.figure.name
      ? t(`report.findingState.${data.figure.name}` as never)
      : data.figure.kind === 'obligations' && data.figure.name
        ? t('figureRecords.itemNo', { no: data.figure.name })
        : data.figure.name;
  return name ? `${kind}${t('punct.colon')}${name}` : kind;
}

const countedColumn = (t: Translate): ColumnsType<Row>[number] => ({
  title: t('figureRecords.col.counted'),
  width: 90,
  fixed: 'left',
  render: (_value, row) =>
    row.counted ? (
      <Tag color="success">{t('figureRecords.counted')}</Tag>
    ) : (
      <Tag>{t('figureRecords.notCounted')}</Tag>
    ),
});

const text = (
  title: string,
  key: string,
  width?: number,
  separator = ', ',
): ColumnsType<Row>[number] => ({
  title,
  width,
  render: (_value, row) => {
    const value = (row as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value.join(separator) || '—';
    return value === null || value === undefined || value === '' ? '—' : String(value);
  },
});

function columnsOf(kind: FigureRecords['records']['kind'], t: Translate): ColumnsType<Row> {
  const c = (key: string) => t(`figureRecords.col.${key}` as never);
  switch (kind) {
    case 'ledger':
      return [
        countedColumn(t),
        text(c('itemNo'), 'itemNo', 70),
        text(c('measure'), 'measure', 260),
        text(c('department'), 'department', 140),
        text(c('period'), 'period', 130),
        text(c('dueOn'), 'dueOn', 110),
        text(c('submittedOn'), 'submittedOn', 110),
        {
          title: c('status'),
          width: 110,
          render: (_value, row) => {
            const status = (row as { status?: string | null }).status;
            return status ? t(`progress.status.${status}` as never) : '—';
          },
        },
        text(c('note'), 'note', 220),
        text(c('evidence'), 'evidence', 160, t('punct.enum')),
      ];
    case 'obligations':
      return [
        countedColumn(t),
        text(c('itemNo'), 'itemNo', 70),
        text(c('requirement'), 'requirement', 260),
        text(c('department'), 'department', 140),
        text(c('period'), 'period', 160),
        {
          title: c('status'),
          width: 100,
          render: (_value, row) =>
            t(`figureRecords.obligation.${(row as { status: string }).status}` as never),
        },
      ];
    case 'assessments':
      return [
        countedColumn(t),
        text(c('itemNo'), 'itemNo', 70),
        text(c('item'), 'item', 320),
        text(c('rating'), 'rating', 110),
        {
          title: c('selfRatings'),
          width: 240,
          render: (_value, row) =>
            (row as { selfRatings: { department: string; rating: string }[] }).selfRatings
              .map((entry) => `${entry.department}${t('punct.colon')}${entry.rating}`)
              .join(t('punct.enum')) || '—',
        },
      ];
    case 'findings':
      return [
        countedColumn(t),
        text(c('no'), 'no', 70),
        text(c('finding'), 'title', 260),
        text(c('department'), 'department', 140),
        text(c('dueOn'), 'dueOn', 110),
        {
          title: c('status'),
          width: 120,
          render: (_value, row) => {
            const finding = row as { state: string; overdue: boolean };
            return (
              <Tag color={finding.overdue ? 'error' : undefined}>
                {t(`report.findingState.${finding.state}` as never)}
              </Tag>
            );
          },
        },
      ];
    case 'summaries':
      return [
        text(c('department'), 'department', 140),
        text(c('highlights'), 'highlights', 320),
        text(c('results'), 'results', 320),
        text(c('evidence'), 'evidence', 160, t('punct.enum')),
      ];
    case 'surveys':
      return [
        text(c('question'), 'question', 320),
        text(c('answered'), 'answered', 90),
        text(c('mean'), 'mean', 90),
        {
          title: c('favourable'),
          width: 140,
          render: (_value, row) => {
            const tally = row as { favourable: number | null; favourableOf: number | null };
            return tally.favourable === null ? '—' : `${tally.favourable}/${tally.favourableOf}`;
          },
        },
      ];
    case 'activities':
      return [
        countedColumn(t),
        text(c('department'), 'department', 200),
        text(c('required'), 'required', 110),
        text(c('covered'), 'covered', 110),
      ];
    case 'satisfaction':
      return [
        text(c('itemNo'), 'itemNo', 70),
        text(c('source'), 'source', 200),
        text(c('value'), 'value', 90),
        text(c('sample'), 'sample', 90),
        text(c('note'), 'note', 220),
        text(c('evidence'), 'evidence', 160, t('punct.enum')),
      ];
  }
}
