import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Grid,
  List,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dashboard } from '../../../shared/api/breakdowns';
import {
  type IndicatorFigures,
  type InstitutionDetail,
  type LateEntry,
  oversightApi,
} from '../../../shared/api/oversight';
import { indicatorLabel } from '../../../shared/plan-import/indicator-tree';
import { useOperation } from '../../api/query';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { StatusTag } from '../breakdowns/BreakdownPage';
import { FindingStateTag } from '../findings/FindingsPage';
import { RateBar } from './OversightPage';
import { formatTime } from '../../time';

type PlanFigures = InstitutionDetail['plans'][number];
const kindColors: Record<LateEntry['kind'], string> = {
  breakdown: 'volcano',
  measure: 'red',
  period_report: 'orange',
  obligation: 'gold',
};

/** One institution as its supervising organization sees it: figures by indicator, late work, findings. Read-only. */
export default function OversightInstitutionPage({ institutionId }: { institutionId: string }) {
  const { t } = useI18n();
  const detailQuery = useOperation(oversightApi.institution, { params: { id: institutionId } });
  const detail = detailQuery.data ?? null;
  const current = detail?.plans[0];
  const dashboardQuery = useOperation(
    oversightApi.dashboard,
    current ? { params: { id: institutionId, planId: current.id } } : null,
  );
  const dashboard = dashboardQuery.data ?? null;
  const failed = detailQuery.isError ? detailQuery : dashboardQuery.isError ? dashboardQuery : null;

  const back = (
    <Button
      icon={<ArrowLeftOutlined />}
      onClick={() => navigate('/oversight')}
      data-testid="oversight-back"
    >
      {t('oversight.back')}
    </Button>
  );
  if (failed)
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        {back}
        <LoadError error={failed.error} onRetry={() => void failed.refetch()} />
      </Space>
    );
  if (!detail) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const plan: PlanFigures | undefined = detail.plans[0];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24}>
        {back}
        <Typography.Title
          level={3}
          style={{ margin: '12px 0 0' }}
          data-testid="oversight-institution-name"
        >
          {detail.institution.name}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {plan
            ? `${plan.title} · ${t('oversight.updatedAt', { time: formatTime(plan.computedAt) })}`
            : t('oversight.noPlan')}
        </Typography.Paragraph>
        <Alert type="info" showIcon message={t('oversight.readOnly')} style={{ marginTop: 8 }} />
      </Col>
      {!plan ? (
        <Col xs={24}>
          <Card>
            <Empty description={t('oversight.noPlan')} />
          </Card>
        </Col>
      ) : (
        <PlanSection plan={plan} dashboard={dashboard} />
      )}
    </Row>
  );
}

function PlanSection({ plan, dashboard }: { plan: PlanFigures; dashboard: Dashboard | null }) {
  const { t } = useI18n();
  const { figures, rates } = plan;
  const phone = Grid.useBreakpoint().md === false;
  const kindTag = (row: LateEntry) => (
    <Tag color={kindColors[row.kind]}>{t(`oversight.kind.${row.kind}`)}</Tag>
  );
  const stat = (title: string, value: string, rate?: number | null, danger = false) => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small" style={{ height: '100%' }}>
        <Statistic
          title={title}
          value={value}
          valueStyle={danger ? { color: '#cf1322' } : undefined}
        />
        {rate !== undefined && <RateBar value={rate} />}
      </Card>
    </Col>
  );
  return (
    <>
      {stat(
        t('oversight.figures.breakdowns'),
        `${figures.departmentsSubmitted}/${figures.departmentsTotal}`,
        rates.submissionRate,
      )}
      {stat(
        t('oversight.figures.measures'),
        `${figures.measuresDone}/${figures.measures}`,
        rates.measuresDoneRate,
      )}
      {stat(
        t('oversight.figures.late'),
        String(figures.lateTotal),
        undefined,
        figures.lateTotal > 0,
      )}
      {stat(
        t('oversight.figures.selfAssessment'),
        `${figures.selfAssessmentsRated}/${figures.selfAssessmentsExpected}`,
        rates.selfAssessmentRate,
      )}
      <Col xs={24} md={16} xl={8}>
        <Card size="small" style={{ height: '100%' }}>
          <Statistic title={t('oversight.figures.findings')} value={figures.findingsTotal} />
          <Typography.Text type={figures.findingsOverdue > 0 ? 'danger' : 'secondary'}>
            {t('oversight.figures.findingsValue', {
              open: figures.findingsOpen,
              overdue: figures.findingsOverdue,
              verified: figures.findingsVerified,
              carried: figures.findingsCarriedOver,
            })}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary">
              {t('oversight.ratings')}
              {t('punct.colon')}
            </Typography.Text>
            {figures.ratings.map((level) => (
              <Tag key={level.label}>
                {level.label} {level.count}
              </Tag>
            ))}
          </div>
        </Card>
      </Col>
      <Col xs={24}>
        <Card size="small" title={t('oversight.byLevel1')}>
          <Table<IndicatorFigures>
            size="small"
            rowKey="code"
            dataSource={figures.byLevel1}
            pagination={false}
            scroll={{ x: 760 }}
            data-testid="oversight-by-level1"
            columns={[
              {
                title: t('oversight.level1'),
                render: (_value, row) => indicatorLabel(row.code, row.title, '、'),
                fixed: 'left',
                width: 150,
              },
              { title: t('oversight.items'), dataIndex: 'items', width: 70 },
              {
                title: t('oversight.itemsWithMeasure'),
                dataIndex: 'itemsWithApprovedMeasure',
                width: 110,
              },
              {
                title: t('oversight.measures'),
                render: (_value, row) => `${row.measuresDone}/${row.measures}`,
                width: 110,
              },
              {
                title: t('oversight.lateMeasures'),
                dataIndex: 'lateMeasures',
                width: 90,
                render: (value: number) => (
                  <Typography.Text type={value > 0 ? 'danger' : undefined}>{value}</Typography.Text>
                ),
              },
              {
                title: t('oversight.missingReports'),
                dataIndex: 'missingReports',
                width: 100,
                render: (value: number) => (
                  <Typography.Text type={value > 0 ? 'danger' : undefined}>{value}</Typography.Text>
                ),
              },
              { title: t('oversight.lateReports'), dataIndex: 'lateReports', width: 90 },
              {
                title: t('oversight.rated'),
                render: (_value, row) => `${row.rated}/${row.items}`,
                width: 80,
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24}>
        <Card
          size="small"
          title={`${t('oversight.lateList')}${t('punct.open')}${figures.lateTotal}${t('punct.close')}`}
        >
          {figures.lateTotal > plan.late.length && (
            <Typography.Paragraph type="secondary">
              {t('oversight.lateListMore', { total: figures.lateTotal, shown: plan.late.length })}
            </Typography.Paragraph>
          )}
          {phone ? (
            <List<LateEntry>
              size="small"
              dataSource={plan.late}
              locale={{ emptyText: t('oversight.noLate') }}
              data-testid="oversight-late-list"
              pagination={
                plan.late.length > 20
                  ? { pageSize: 20, size: 'small', showSizeChanger: false }
                  : false
              }
              renderItem={(row) => (
                <List.Item style={{ display: 'block' }}>
                  <Space size={4} wrap>
                    {kindTag(row)}
                    <Typography.Text strong>{row.departmentName}</Typography.Text>
                    <Typography.Text type="secondary">
                      {t('oversight.dueOn')} {row.dueOn}
                    </Typography.Text>
                  </Space>
                  <div>{row.what}</div>
                </List.Item>
              )}
            />
          ) : (
            <Table<LateEntry>
              size="small"
              rowKey={(row) =>
                `${row.kind}/${row.departmentName}/${row.itemNo}/${row.dueOn}/${row.what}`
              }
              dataSource={plan.late}
              pagination={plan.late.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              scroll={{ x: 720 }}
              locale={{ emptyText: t('oversight.noLate') }}
              data-testid="oversight-late-list"
              columns={[
                {
                  title: t('oversight.department'),
                  dataIndex: 'departmentName',
                  width: 130,
                  filters: [...new Set(plan.late.map((row) => row.departmentName))].map((name) => ({
                    text: name,
                    value: name,
                  })),
                  onFilter: (value, row) => row.departmentName === value,
                },
                {
                  title: t('oversight.what'),
                  render: (_value, row) => (
                    <Space size={4} wrap>
                      {kindTag(row)}
                      {row.what}
                    </Space>
                  ),
                },
                {
                  title: t('oversight.item'),
                  dataIndex: 'itemNo',
                  width: 60,
                  render: (value: number | null) => value ?? '—',
                },
                {
                  title: t('oversight.dueOn'),
                  dataIndex: 'dueOn',
                  width: 110,
                  sorter: (a, b) => a.dueOn.localeCompare(b.dueOn),
                },
              ]}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('oversight.findingsList')}>
          <Table
            size="small"
            rowKey={(row) => `${row.title}/${row.owner}`}
            dataSource={plan.findings}
            pagination={false}
            scroll={{ x: 480 }}
            locale={{ emptyText: t('oversight.noFindings') }}
            columns={[
              { title: t('oversight.finding.title'), dataIndex: 'title' },
              { title: t('oversight.finding.owner'), dataIndex: 'owner', width: 120 },
              {
                title: t('oversight.finding.state'),
                width: 150,
                render: (_value, row) => (
                  <FindingStateTag state={row.state} overdue={row.overdue} />
                ),
              },
              {
                title: t('oversight.dueOn'),
                dataIndex: 'dueOn',
                width: 110,
                render: (value: string | null) => value ?? '—',
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('oversight.departments')}>
          {!dashboard ? (
            <Spin />
          ) : (
            <Table
              size="small"
              rowKey="id"
              dataSource={dashboard.departments}
              pagination={
                dashboard.departments.length > 15 ? { pageSize: 15, showSizeChanger: false } : false
              }
              data-testid="oversight-departments"
              columns={[
                { title: t('oversight.department'), dataIndex: 'name' },
                {
                  title: t('board.status'),
                  width: 170,
                  render: (_value, row) => <StatusTag status={row.status} late={row.late} />,
                },
              ]}
            />
          )}
        </Card>
      </Col>
    </>
  );
}
