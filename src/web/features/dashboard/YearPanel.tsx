import { Alert, Card, Col, Row, Spin, Statistic, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { dashboardApi, type YearDashboard } from '../../../shared/api/dashboard';
import type { Rate } from '../../../shared/report/quality-report.contract';
import { ApiError } from '../../api/client';
import { useOperation } from '../../api/query';
import { useI18n } from '../../i18n';

type RankingRow = YearDashboard['ranking'][number];

const WARNING_COLOURS = { yellow: '#d4b106', orange: '#fa8c16', red: '#f5222d' } as const;

/** One phase of the year: a big number and the counts it is made of. */
function PhaseCard({
  testId,
  title,
  value,
  suffix,
  children,
}: {
  testId: string;
  title: string;
  value: number | string;
  suffix?: string;
  children: ReactNode;
}) {
  return (
    <Col xs={24} sm={12} xl={8}>
      <Card size="small" data-testid={testId} style={{ height: '100%' }}>
        <Statistic title={title} value={value} suffix={suffix} />
        <div style={{ marginTop: 8, display: 'flex', flexWrap: 'wrap', gap: '4px 12px' }}>
          {children}
        </div>
      </Card>
    </Col>
  );
}

function Count({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Typography.Text type={color ? undefined : 'secondary'} style={color ? { color } : undefined}>
      {label} <strong>{value}</strong>
    </Typography.Text>
  );
}

/** "50% (1/2)", or a dash with the counts while there is nothing to divide. */
function rateText(rate: Rate): string {
  return `${rate.value === null ? '–' : `${rate.value}%`} (${rate.numerator}/${rate.denominator})`;
}

/** The leader's year: a number for every phase of the plan and the departments ranked. */
export function YearPanel({ planId }: { planId: string }) {
  const { t } = useI18n();
  const year = useOperation(dashboardApi.year, { params: { id: planId } });
  if (year.error)
    return (
      <Alert
        type="error"
        showIcon
        message={year.error instanceof ApiError ? year.error.message : t('error.network')}
      />
    );
  if (!year.data) return <Spin style={{ display: 'block', margin: '10vh auto' }} />;
  const data = year.data;
  const { breakdown, execution, overdue, findings, conclusion } = data;
  const report = data.report;
  const reportState = !report
    ? t('year.report.none')
    : report.publishedAt
      ? t('report.status.published')
      : t(`report.status.${report.status}`);

  return (
    <Row gutter={[16, 16]} data-testid="year-dashboard">
      <Col xs={24}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('year.title', { year: data.plan.cycleYear })}
        </Typography.Title>
        <Typography.Text type="secondary">{t('year.hint', { asOf: data.asOf })}</Typography.Text>
      </Col>
      <PhaseCard
        testId="year-breakdown"
        title={t('year.breakdown')}
        value={breakdown.approved}
        suffix={`/ ${breakdown.departments}`}
      >
        <Count label={t('year.breakdown.submitted')} value={breakdown.submitted} />
        <Count label={t('year.breakdown.returned')} value={breakdown.returned} />
        <Count label={t('year.breakdown.notSubmitted')} value={breakdown.notSubmitted} />
      </PhaseCard>
      <PhaseCard
        testId="year-execution"
        title={t('year.execution')}
        value={execution.completion.value ?? '–'}
        suffix={execution.completion.value === null ? undefined : '%'}
      >
        <Count label={t('year.execution.done')} value={execution.done} />
        <Count label={t('year.execution.inProgress')} value={execution.inProgress} />
        <Count label={t('year.execution.notStarted')} value={execution.notStarted} />
        <Count label={t('year.execution.reportsIn')} value={execution.periodReportsIn} />
        <Count label={t('year.execution.reportsMissing')} value={execution.periodReportsMissing} />
      </PhaseCard>
      <PhaseCard testId="year-overdue" title={t('year.overdue')} value={overdue.total}>
        <Count
          label={t('supervision.warning.red')}
          value={overdue.red}
          color={WARNING_COLOURS.red}
        />
        <Count
          label={t('supervision.warning.orange')}
          value={overdue.orange}
          color={WARNING_COLOURS.orange}
        />
        <Count
          label={t('supervision.warning.yellow')}
          value={overdue.yellow}
          color={WARNING_COLOURS.yellow}
        />
        <Count label={t('year.overdue.none')} value={overdue.none} />
      </PhaseCard>
      <PhaseCard
        testId="year-obligations"
        title={t('year.obligations')}
        value={data.obligations.met.value ?? '–'}
        suffix={data.obligations.met.value === null ? undefined : '%'}
      >
        <Count label={t('year.obligations.met')} value={data.obligations.met.numerator} />
        <Count label={t('year.obligations.counted')} value={data.obligations.met.denominator} />
      </PhaseCard>
      <PhaseCard
        testId="year-conclusion"
        title={t('year.conclusion')}
        value={conclusion.summariesSubmitted}
        suffix={`/ ${conclusion.departments}`}
      >
        <Count
          label={t('year.conclusion.selfAssessed')}
          value={conclusion.selfAssessedDepartments}
        />
        <Count label={t('year.conclusion.rated')} value={conclusion.itemsRated} />
        <Count label={t('year.conclusion.unrated')} value={conclusion.itemsUnrated} />
      </PhaseCard>
      <PhaseCard testId="year-findings" title={t('year.findings')} value={findings.total}>
        <Count label={t('year.findings.open')} value={findings.open} />
        <Count label={t('year.findings.rectifying')} value={findings.rectifying} />
        <Count label={t('year.findings.verified')} value={findings.verified} />
        <Count label={t('year.findings.overdue')} value={findings.overdue} />
      </PhaseCard>
      {data.conductReports && (
        <PhaseCard
          testId="year-conduct"
          title={t('year.conduct')}
          value={data.conductReports.received}
          suffix={t('year.conduct.unit')}
        >
          <Count label={t('year.conduct.closed')} value={data.conductReports.closed} />
          <Typography.Text type="secondary">
            {t('year.conduct.onTime')} <strong>{rateText(data.conductReports.onTime)}</strong>
          </Typography.Text>
          <Count label={t('year.conduct.founded')} value={data.conductReports.founded} />
          <Count label={t('year.conduct.partly')} value={data.conductReports.partly} />
          <Count label={t('year.conduct.unfounded')} value={data.conductReports.unfounded} />
          <Count label={t('year.conduct.clarified')} value={data.conductReports.clarified} />
          <Count label={t('year.conduct.notified')} value={data.conductReports.notified} />
        </PhaseCard>
      )}
      {data.coverage.length > 0 && (
        <Col xs={24}>
          <Card size="small" title={t('year.coverage')} data-testid="year-coverage">
            <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
              {data.coverage.map((rule) => (
                <div key={rule.ruleId} data-testid="year-coverage-rule">
                  <a href={`/activities?rule=${rule.ruleId}`}>
                    <Typography.Text strong>{rule.name}</Typography.Text>
                  </a>{' '}
                  {rule.itemNo !== null && (
                    <Tag>{t('year.coverage.item', { no: rule.itemNo })}</Tag>
                  )}
                  <Typography.Text data-testid="year-coverage-rate">
                    {rateText(rule.rate)}
                  </Typography.Text>
                  <div>
                    <Typography.Text type="secondary">
                      {rule.lowest.length === 0
                        ? t('year.coverage.allCovered')
                        : `${t('year.coverage.lowest')}: ${rule.lowest
                            .map(
                              (row) =>
                                `${row.name} ${row.value === null ? '–' : `${row.value}%`} (${row.covered}/${row.required})`,
                            )
                            .join(t('year.coverage.separator'))}`}
                    </Typography.Text>
                  </div>
                </div>
              ))}
            </div>
          </Card>
        </Col>
      )}
      <Col xs={24}>
        <Card size="small" data-testid="year-report">
          <Typography.Text strong>{t('year.report')}</Typography.Text>{' '}
          <Tag color={report?.publishedAt ? 'green' : report ? 'blue' : undefined}>
            {reportState}
          </Tag>
          {report && (
            <Typography.Text type="secondary">
              {t('year.report.version', { version: report.version })}
            </Typography.Text>
          )}
        </Card>
      </Col>
      <Col xs={24}>
        <Card size="small" title={t('year.ranking')}>
          <Table<RankingRow>
            data-testid="year-ranking"
            size="small"
            rowKey="departmentId"
            pagination={false}
            scroll={{ x: 520 }}
            dataSource={data.ranking}
            columns={[
              { title: t('year.ranking.rank'), dataIndex: 'rank', width: 56 },
              { title: t('year.ranking.department'), dataIndex: 'name', width: 160 },
              {
                title: t('year.ranking.completion'),
                key: 'completion',
                render: (_value, row) => rateText(row.completion),
              },
              {
                title: t('year.ranking.onTime'),
                key: 'onTime',
                render: (_value, row) => rateText(row.onTime),
              },
              { title: t('year.ranking.overdue'), dataIndex: 'overdue', width: 80 },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
