import {
  DownloadOutlined,
  FileWordOutlined,
  ReloadOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  Progress,
  Radio,
  Rate,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import { type ReportDetail, reportsApi, type reviewBodySchema } from '../../../shared/api/reports';
import { reviewCriteria } from '../../../shared/report/reviews';
import type {
  QualityReport,
  Rate as RateFigure,
  RecordRef,
} from '../../../shared/report/quality-report.contract';
import { call, hrefOf } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import type { SessionResponse } from '../../api/types';
import { Chart, type ChartOption, nameAxisLabel } from '../../components/Chart';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { errorText } from '../../usePlanTree';
import { usePlan } from '../../usePlan';
import { useServerAction } from '../../useServerAction';

type ReviewBody = z.input<typeof reviewBodySchema>;

/** The page of the app where the records behind a figure are listed, with the figure's filters. */
export function recordLink(ref: RecordRef): string {
  const paths: Record<RecordRef['page'], string> = {
    ledger: '/ledger',
    obligations: '/obligations',
    assessments: '/assessments',
    findings: '/findings',
    summaries: '/assessments',
    breakdowns: '/board',
    surveys: '/surveys',
    activities: '/activities',
    satisfaction: '/satisfaction',
    conductCases: '/conduct-cases',
  };
  return `${paths[ref.page]}?${new URLSearchParams(ref.filters).toString()}`;
}

type RecordLinker = (ref: RecordRef) => string;

/**
 * The read-only list of the records behind a figure of one report: where reviewers go, since
 * the office's record pages are not theirs to open (issue 11.5).
 */
export function figureRecordsLink(reportId: string, ref: RecordRef): string {
  const query = new URLSearchParams({
    report: reportId,
    page: ref.page,
    filters: new URLSearchParams(ref.filters).toString(),
  });
  return `/report-records?${query.toString()}`;
}

function Figure({ rate, link }: { rate: RateFigure; link: RecordLinker }) {
  if (rate.value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <a href={link(rate.ref)} data-testid="figure">
      {rate.value}%{' '}
      <Typography.Text type="secondary">
        ({rate.numerator}/{rate.denominator})
      </Typography.Text>
    </a>
  );
}

function ReportBody({ report, link }: { report: QualityReport; link: RecordLinker }) {
  const { t } = useI18n();
  const charts = useMemo(() => {
    const bars = (
      names: string[],
      series: { name: string; values: (number | null)[]; color: string }[],
    ): ChartOption => ({
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) =>
          value === null || value === undefined ? '—' : `${value}%`,
      },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: names, axisLabel: nameAxisLabel },
      series: series.map((entry) => ({
        name: entry.name,
        type: 'bar',
        data: entry.values,
        itemStyle: { color: entry.color },
      })),
    });
    return {
      level1: bars(
        report.completion.byLevel1.map((row) => row.title),
        [
          {
            name: t('report.completion'),
            values: report.completion.byLevel1.map((row) => row.completion.value),
            color: '#b4232a',
          },
          {
            name: t('report.onTime'),
            values: report.completion.byLevel1.map((row) => row.onTime.value),
            color: '#1677ff',
          },
        ],
      ),
      departments: bars(
        report.completion.byDepartment.map((row) => row.name),
        [
          {
            name: t('report.completion'),
            values: report.completion.byDepartment.map((row) => row.completion.value),
            color: '#b4232a',
          },
          {
            name: t('report.onTime'),
            values: report.completion.byDepartment.map((row) => row.onTime.value),
            color: '#1677ff',
          },
        ],
      ),
      assessment: {
        tooltip: { trigger: 'axis' },
        grid: { left: 8, right: 16, bottom: 8, top: 8, containLabel: true },
        xAxis: {
          type: 'category',
          data: report.selfAssessment.distribution.map((level) => level.label),
        },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            type: 'bar',
            data: report.selfAssessment.distribution.map((level) => level.count),
            itemStyle: { color: '#52c41a' },
          },
        ],
      } satisfies ChartOption,
    };
  }, [report, t]);
  const overall = report.completion.overall;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="report-body">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0, textAlign: 'center' }}>
          {report.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {report.organizationName} · {t('report.asOf', { date: report.asOf })}
        </Typography.Paragraph>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Statistic
              title={t('report.completion')}
              valueRender={() => <Figure link={link} rate={overall.completion} />}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('report.onTime')}
              valueRender={() => <Figure link={link} rate={overall.onTime} />}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('report.obligations')}
              valueRender={() => <Figure link={link} rate={report.obligations.overall} />}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('report.rectified')}
              valueRender={() => <Figure link={link} rate={report.findings.closedRate} />}
            />
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('report.totals', report.totals)} {t('report.traceHint')}
        </Typography.Paragraph>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('report.byLevel1')}>
            <Chart option={charts.level1} height={240} testId="report-chart-level1" />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('report.byDepartment')}>
            <Chart
              option={charts.departments}
              height={Math.max(240, report.completion.byDepartment.length * 26 + 40)}
              testId="report-chart-departments"
            />
          </Card>
        </Col>
      </Row>
      {report.teachers && report.teachers.figures.length > 0 && (
        <Card size="small" title={t('report.teacherFigures')} data-testid="report-teacher-figures">
          <Table
            size="small"
            pagination={false}
            rowKey={(row) => `${row.kind}-${row.label}-${row.itemNo}`}
            dataSource={report.teachers.figures}
            scroll={{ x: 560 }}
            columns={[
              { title: t('report.item'), dataIndex: 'itemNo', width: 70 },
              { title: t('report.requirement'), dataIndex: 'label' },
              {
                title: t('report.value'),
                width: 180,
                render: (_value, row) => (
                  <a href={link(row.ref)} data-testid="figure">
                    {row.value === null ? '—' : `${row.value}%`}{' '}
                    {row.numerator !== null && (
                      <Typography.Text type="secondary">
                        ({row.numerator}/{row.denominator})
                      </Typography.Text>
                    )}
                  </a>
                ),
              },
              { title: t('report.detail'), dataIndex: 'detail' },
            ]}
          />
        </Card>
      )}
      <Card size="small" title={t('report.obligations')}>
        <Table
          size="small"
          pagination={false}
          rowKey="obligationId"
          dataSource={report.obligations.rows}
          locale={{ emptyText: t('report.none') }}
          scroll={{ x: 560 }}
          columns={[
            { title: t('report.item'), dataIndex: 'itemNo', width: 70 },
            { title: t('report.requirement'), dataIndex: 'description' },
            {
              title: t('report.met'),
              render: (_value, row) => <Figure link={link} rate={row.met} />,
              width: 160,
            },
            { title: t('report.latePeriods'), dataIndex: 'late', width: 110 },
          ]}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('report.selfAssessment')}>
            <Chart option={charts.assessment} height={200} testId="report-chart-assessment" />
            <Typography.Paragraph type="secondary">
              {t('report.unrated', { count: report.selfAssessment.unrated })}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('report.assessmentByLevel1')}>
            <Table
              size="small"
              pagination={false}
              rowKey="code"
              dataSource={report.selfAssessment.byLevel1}
              columns={[
                {
                  title: t('report.level1'),
                  render: (_value, row) => (
                    <a href={link(row.ref)}>
                      {row.code}、{row.title}
                    </a>
                  ),
                },
                {
                  title: t('report.meanScore'),
                  render: (_value, row) => row.meanScore ?? '—',
                  width: 100,
                },
                {
                  title: t('report.rated'),
                  render: (_value, row) => `${row.rated}/${row.items}`,
                  width: 100,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('report.findings')}>
        <Space wrap style={{ marginBottom: 8 }}>
          {report.findings.byState.map((state) => (
            <a key={state.state} href={link(state.ref)}>
              <Tag>
                {t(`report.findingState.${state.state}` as never)} {state.count}
              </Tag>
            </a>
          ))}
          {report.findings.overdue > 0 && (
            <Tag color="error">{t('report.overdue', { count: report.findings.overdue })}</Tag>
          )}
        </Space>
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={report.findings.rows}
          locale={{ emptyText: t('report.none') }}
          scroll={{ x: 560 }}
          columns={[
            { title: t('report.finding'), dataIndex: 'title' },
            { title: t('report.owner'), dataIndex: 'owner', width: 140 },
            { title: t('report.dueOn'), dataIndex: 'dueOn', width: 110 },
            {
              title: t('report.state'),
              render: (_value, row) => (
                <Tag color={row.overdue ? 'error' : undefined}>
                  {t(`report.findingState.${row.state}` as never)}
                </Tag>
              ),
              width: 120,
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('report.highlights')}>
        {report.highlights.length === 0 ? (
          <Empty description={t('report.none')} />
        ) : (
          report.highlights.map((highlight) => (
            <Typography.Paragraph key={highlight.departmentId}>
              <a href={link(highlight.ref)}>
                <b>{highlight.department}</b>
              </a>
              {t('punct.colon')}
              {highlight.text}
            </Typography.Paragraph>
          ))
        )}
      </Card>
    </Space>
  );
}

function ReviewForm({ report, onSaved }: { report: ReportDetail; onSaved(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ReviewBody>();
  const { busy: saving, run } = useServerAction();
  async function save(values: ReviewBody) {
    const saved = await run(async () => {
      await call(reportsApi.review, {
        params: { reportId: report.id },
        body: { ...values, ...(report.myReview ? { version: report.myReview.version } : {}) },
      });
      return t('report.review.saved');
    });
    if (saved) onSaved();
  }
  return (
    <Card title={t('report.review.title')} data-testid="review-form">
      <Typography.Paragraph type="secondary">
        {report.myReview ? t('report.review.again') : t('report.review.hint')}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={report.myReview ?? { representing: 'teacher', comment: '' }}
        onFinish={save}
      >
        <Form.Item
          name="representing"
          label={t('report.review.representing')}
          rules={[{ required: true }]}
        >
          <Radio.Group
            options={(['teacher', 'student', 'leader'] as const).map((group) => ({
              value: group,
              label: t(`report.group.${group}`),
            }))}
          />
        </Form.Item>
        {reviewCriteria.map((criterion) => (
          <Form.Item
            key={criterion}
            name={['scores', criterion]}
            label={t(`report.criterion.${criterion}`)}
            rules={[{ required: true, message: t('report.review.scoreRequired') }]}
          >
            <Rate aria-label={t(`report.criterion.${criterion}`)} />
          </Form.Item>
        ))}
        <Form.Item name="comment" label={t('report.review.comment')}>
          <Input.TextArea rows={4} maxLength={4000} showCount />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="review-submit">
          {t('report.review.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function ReviewSummary({ report }: { report: ReportDetail }) {
  const { t } = useI18n();
  const reviews = report.reviews;
  if (!reviews) return null;
  const format = (value: number | null) => (value === null ? '—' : value.toFixed(2));
  return (
    <Card
      title={t('report.reviews.title', { count: reviews.reviewers })}
      data-testid="review-summary"
    >
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        scroll={{ x: 560 }}
        dataSource={[
          {
            key: 'all',
            label: t('report.reviews.all'),
            reviewers: reviews.reviewers,
            means: reviews.means,
          },
          ...reviews.byGroup.map((group) => ({
            key: group.group,
            label: t(`report.group.${group.group}`),
            reviewers: group.reviewers,
            means: group.means,
          })),
        ]}
        columns={[
          { title: '', dataIndex: 'label', width: 120 },
          { title: t('report.reviews.count'), dataIndex: 'reviewers', width: 80 },
          ...reviewCriteria.map((criterion) => ({
            title: t(`report.criterion.${criterion}`),
            render: (_value: unknown, row: { means: Record<string, number | null> }) =>
              format(row.means[criterion] ?? null),
          })),
        ]}
      />
      {reviews.comments.length > 0 && (
        <Space direction="vertical" style={{ marginTop: 12 }}>
          {reviews.comments.map((entry, index) => (
            <Typography.Text key={index}>
              <Tag>{t(`report.group.${entry.group}`)}</Tag>
              {entry.comment}
            </Typography.Text>
          ))}
        </Space>
      )}
    </Card>
  );
}

/** The quality report: generated from the records, reviewed by representatives, exported for the file. */
export default function QualityReportPage({ session }: { session: SessionResponse }) {
  const { t } = useI18n();
  const { run } = useServerAction();
  const { planId, error: planError } = usePlan();
  // The records page links back to the version it came from.
  const [chosen, setChosen] = useState<string | null>(() => searchParam('report') ?? null);
  const office = session.user.role === 'admin' || session.user.role === 'coordinator';
  const reviewer = session.user.role === 'reviewer';

  const invalidate = useInvalidate();
  const listQuery = useOperation(reportsApi.list, planId ? { params: { id: planId } } : null);
  const reports = listQuery.data ?? null;
  const selected = chosen ?? reports?.[0]?.id ?? null;
  const detailQuery = useOperation(
    reportsApi.get,
    selected ? { params: { reportId: selected } } : null,
  );
  const detail = detailQuery.data ?? null;
  // While a version is being generated, ask again every second until it is ready (or failed).
  const generating = detail !== null && detail.status !== 'ready' && detail.status !== 'failed';
  useEffect(() => {
    if (!generating) return;
    const timer = setInterval(() => void invalidate(reportsApi.get, reportsApi.list), 1000);
    return () => clearInterval(timer);
  }, [generating, invalidate]);
  const loadDetail = () => invalidate(reportsApi.get);
  const error = listQuery.isError
    ? errorText(listQuery.error, t('error.network'))
    : detailQuery.isError
      ? errorText(detailQuery.error, t('error.network'))
      : null;

  async function generate() {
    await run(async () => {
      const created = await call(reportsApi.request, { params: { id: planId! } });
      setChosen(created.id);
      await invalidate(reportsApi.list);
      return null;
    });
  }
  async function publish() {
    await run(async () => {
      await call(reportsApi.publish, { params: { reportId: selected! } });
      await invalidate(reportsApi.get, reportsApi.list);
      return t('report.published');
    });
  }

  if (error ?? planError) return <Alert type="error" showIcon title={error ?? planError} />;
  if (!reports || !planId) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const next = reviewer
    ? reports.length === 0
      ? t('report.next.reviewerWait')
      : detail?.myReview
        ? t('report.next.reviewerDone')
        : t('report.next.reviewer')
    : reports.length === 0
      ? t('report.next.generate')
      : detail?.status === 'ready' && !detail.publishedAt
        ? t('report.next.publish')
        : detail?.publishedAt
          ? t('report.next.published')
          : t('report.next.generating');

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('report.title')}
        extra={
          <Space wrap>
            {reports.length > 0 && (
              <Select
                value={selected}
                onChange={(value) => setChosen(value)}
                style={{ minWidth: 220 }}
                aria-label={t('report.version')}
                options={reports.map((report) => ({
                  value: report.id,
                  label: t('report.versionLabel', {
                    version: report.version,
                    state: t(
                      `report.status.${report.publishedAt ? 'published' : report.status}` as never,
                    ),
                  }),
                }))}
              />
            )}
            {office && (
              <Button
                type="primary"
                icon={<ReloadOutlined />}
                onClick={generate}
                data-testid="generate-report"
              >
                {t('report.generate')}
              </Button>
            )}
            {detail?.status === 'ready' && (
              <Button
                icon={<FileWordOutlined />}
                href={hrefOf(reportsApi.docx, { params: { reportId: detail.id } })}
                data-testid="report-docx"
              >
                {t('report.docx', { size: Math.ceil((detail.docxBytes ?? 0) / 1024) })}
              </Button>
            )}
            {office && detail?.status === 'ready' && !detail.publishedAt && (
              <Button icon={<SendOutlined />} onClick={publish} data-testid="publish-report">
                {t('report.publish')}
              </Button>
            )}
            {!reviewer && (
              <Button
                icon={<DownloadOutlined />}
                href={hrefOf(reportsApi.performanceSheet, { params: { id: planId } })}
                data-testid="performance-sheet"
              >
                {t('report.performanceSheet')}
              </Button>
            )}
          </Space>
        }
      >
        <Alert type="info" showIcon message={next} data-testid="next-step" />
        {detail && (detail.status === 'queued' || detail.status === 'generating') && (
          <div style={{ marginTop: 16 }}>
            <Typography.Text>{t('report.generating')}</Typography.Text>
            <Progress percent={detail.progress} data-testid="report-progress" />
          </div>
        )}
        {detail?.status === 'failed' && (
          <Alert
            style={{ marginTop: 16 }}
            type="error"
            showIcon
            message={t('report.failed')}
            description={detail.error}
          />
        )}
      </Card>
      {detail?.content && (
        <ReportBody
          report={detail.content}
          // Reviewers read the records read-only on the report's own records page; the office
          // keeps its working pages, where it can filter further and act on what it finds.
          link={reviewer ? (ref) => figureRecordsLink(detail.id, ref) : recordLink}
        />
      )}
      {reviewer && detail?.content && <ReviewForm report={detail} onSaved={loadDetail} />}
      {!reviewer && detail?.publishedAt && <ReviewSummary report={detail} />}
    </Space>
  );
}
