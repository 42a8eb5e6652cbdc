import { DownloadOutlined, PlusOutlined, QrcodeOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Input,
  InputNumber,
  List,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { departmentsApi } from '../../../shared/api/departments';
import type { ResponseOf } from '../../../shared/api/operation';
import {
  breakdownDimensions,
  type Population,
  type SurveyResults,
  type SurveyView,
  surveysApi,
} from '../../../shared/api/surveys';
import { teacherAttributes, type TeacherAttribute } from '../../../shared/api/teachers';
import type { MessageKey } from '../../../shared/i18n/messages';
import { ApiError, hrefOf } from '../../api/client';
import { keyOf, useInvalidate, useOperation, useWrite } from '../../api/query';
import { Chart, type ChartOption } from '../../components/Chart';
import { LoadError, QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { useServerAction } from '../../useServerAction';
import { attributeKey } from '../teachers/RosterPage';
import { SurveyBuilder } from './SurveyBuilder';

type Template = ResponseOf<typeof surveysApi.templates>['templates'][number];

const statusColor = { draft: 'default', open: 'green', closed: 'blue' } as const;

function download(url: string) {
  const link = document.createElement('a');
  link.href = url;
  link.click();
}

/** 问卷调查: build, send, follow and read anonymous surveys of teachers. */
export default function SurveysPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string | undefined>(searchParam('survey'));
  const [creating, setCreating] = useState(false);
  const surveys = useOperation(surveysApi.list, {});
  const templates = useOperation(surveysApi.templates, canEdit ? {} : null);
  const createSurvey = useWrite(surveysApi.create, { invalidates: [surveysApi.list] });
  const invalidate = useInvalidate();
  const { busy, run } = useServerAction();

  // the chosen survey is in the address, so a reload (or a report's link) opens it again
  useEffect(() => {
    history.replaceState(null, '', selected ? `/surveys?survey=${selected}` : '/surveys');
  }, [selected]);

  const create = (template: Template | null) =>
    run(async () => {
      const created = await createSurvey.mutateAsync({
        body: {
          title: template?.title ?? t('surveys.newTitle'),
          intro: template?.intro ?? '',
          itemNos: template?.itemNos ?? [],
          year: new Date().getFullYear(),
          questionnaire: template?.questionnaire ?? {
            sections: [
              {
                title: '',
                description: '',
                questions: [
                  {
                    id: 'q1',
                    kind: 'rating',
                    title: '',
                    required: true,
                    options: [],
                    rows: [],
                    scale: { min: 1, max: 5, minLabel: '', maxLabel: '' },
                  },
                ],
              },
            ],
          },
          population: { kind: 'all' },
        },
      });
      setCreating(false);
      setSelected(created.id);
      return null;
    });

  if (selected)
    return (
      <SurveyDetail
        id={selected}
        canEdit={canEdit}
        onBack={() => {
          setSelected(undefined);
          void invalidate(surveysApi.list);
        }}
      />
    );
  return (
    <div className="page" data-testid="surveys-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('surveys.title')}
        </Typography.Title>
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="new-survey"
          >
            {t('surveys.new')}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">{t('surveys.intro')}</Typography.Paragraph>
      <QueryView query={surveys}>
        {({ surveys: rows }) => (
          <Table<SurveyView>
            rowKey="id"
            dataSource={rows}
            pagination={false}
            scroll={{ x: 700 }}
            onRow={(row) => ({ onClick: () => setSelected(row.id), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('surveys.field.title'), dataIndex: 'title' },
              { title: t('surveys.field.year'), dataIndex: 'year', width: 80 },
              {
                title: t('surveys.field.items'),
                dataIndex: 'itemNos',
                width: 100,
                render: (nos: number[]) => nos.map((no) => `第${no}项`).join('、'),
              },
              {
                title: t('surveys.field.status'),
                dataIndex: 'status',
                width: 90,
                render: (status: SurveyView['status']) => (
                  <Tag color={statusColor[status]}>
                    {t(`surveys.status.${status}` as MessageKey)}
                  </Tag>
                ),
              },
              {
                title: t('surveys.field.responses'),
                width: 140,
                render: (_, row) => (row.invited ? `${row.responded}/${row.invited}` : '—'),
              },
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={creating}
        footer={null}
        onCancel={() => setCreating(false)}
        title={t('surveys.new')}
      >
        {templates.isError && (
          <LoadError error={templates.error} onRetry={() => void templates.refetch()} />
        )}
        <List
          rowKey={(entry) => entry.template?.key ?? 'blank'}
          dataSource={[
            ...(templates.data?.templates ?? []).map((template) => ({ template })),
            { template: null },
          ]}
          renderItem={({ template }) => (
            <List.Item
              actions={[
                <Button
                  key="use"
                  loading={busy}
                  onClick={() => void create(template)}
                  data-testid={`use-template-${template?.key ?? 'blank'}`}
                >
                  {t('surveys.useTemplate')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={template ? template.title : t('surveys.blank')}
                description={
                  template ? t('surveys.templateFor', { items: template.itemNos.join('、') }) : ''
                }
              />
            </List.Item>
          )}
        />
      </Modal>
    </div>
  );
}

function barOption(labels: string[], values: number[]): ChartOption {
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: labels,
      inverse: true,
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: values,
        itemStyle: { color: '#b4232a' },
        label: { show: true, position: 'right' },
      },
    ],
  };
}

function SurveyDetail({ id, canEdit, onBack }: { id: string; canEdit: boolean; onBack(): void }) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const client = useQueryClient();
  const input = { params: { id } };
  const surveyQuery = useOperation(surveysApi.get, input);
  const survey = surveyQuery.data;
  const [draft, setDraft] = useState<SurveyView | null>(null);
  // the draft starts from the survey as the server has it, and again after each change there
  useEffect(() => {
    if (survey) setDraft(survey);
  }, [survey]);
  const sent = survey !== undefined && survey.status !== 'draft';
  const [dimension, setDimension] = useState<(typeof breakdownDimensions)[number]>('department');
  const progressQuery = useOperation(surveysApi.progress, sent ? input : null);
  const resultsQuery = useOperation(
    surveysApi.results,
    sent ? { ...input, query: { dimension } } : null,
    { keepPrevious: true },
  );
  const progress = progressQuery.data;
  const results = resultsQuery.data;
  // below the threshold the results are refused (not an error): the refusal says why
  const refusal =
    resultsQuery.error instanceof ApiError && resultsQuery.error.code === 'survey.below_threshold'
      ? resultsQuery.error.message
      : null;
  const editable = canEdit && survey?.status === 'draft';
  const departmentsQuery = useOperation(departmentsApi.list, editable ? {} : null);
  const departments = departmentsQuery.data ?? [];
  const [posterShown, setPosterShown] = useState(false);
  const poster = useOperation(surveysApi.poster, posterShown ? input : null);
  const update = useWrite(surveysApi.update, { invalidates: [surveysApi.list] });
  const open = useWrite(surveysApi.open);
  const remind = useWrite(surveysApi.remind);
  const close = useWrite(surveysApi.close);

  const population = draft?.population;
  const charts = useMemo(
    () =>
      results?.questions.map((tally) =>
        tally.kind === 'matrix'
          ? barOption(
              tally.rows.map((row) => row.label),
              tally.rows.map((row) => row.mean ?? 0),
            )
          : tally.kind === 'text'
            ? null
            : barOption(tally.labels, tally.counts),
      ) ?? [],
    [results],
  );
  if (!survey || !draft)
    return (
      <div className="page">
        <Button onClick={onBack}>{t('surveys.back')}</Button>
        {surveyQuery.isError ? (
          <div style={{ marginTop: 12 }}>
            <LoadError error={surveyQuery.error} onRetry={() => void surveyQuery.refetch()} />
          </div>
        ) : (
          <Spin style={{ display: 'block', margin: '48px auto' }} />
        )}
      </div>
    );
  const setPopulation = (next: Population) => setDraft({ ...draft, population: next });

  return (
    <div className="page" data-testid="survey-detail">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space>
          <Button onClick={onBack}>{t('surveys.back')}</Button>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {survey.title}
          </Typography.Title>
          <Tag color={statusColor[survey.status]}>
            {t(`surveys.status.${survey.status}` as MessageKey)}
          </Tag>
        </Space>
        {canEdit && (
          <Space wrap>
            {survey.status === 'draft' && (
              <>
                <Button
                  loading={busy}
                  onClick={() =>
                    void run(async () => {
                      const saved = await update.mutateAsync({
                        params: { id },
                        body: {
                          title: draft.title,
                          intro: draft.intro,
                          itemNos: draft.itemNos,
                          year: draft.year,
                          questionnaire: draft.questionnaire,
                          population: draft.population,
                          version: survey.version,
                        },
                      });
                      // the saved survey (its new version) is the one to edit further
                      client.setQueryData(keyOf(surveysApi.get, input), saved);
                      setDraft(saved);
                      return t('surveys.saved');
                    })
                  }
                  data-testid="save-survey"
                >
                  {t('surveys.save')}
                </Button>
                <Button
                  type="primary"
                  loading={busy}
                  data-testid="open-survey"
                  onClick={() =>
                    void run(async () => {
                      const answer = await open.mutateAsync(input);
                      return t('surveys.opened', answer);
                    })
                  }
                >
                  {t('surveys.open')}
                </Button>
              </>
            )}
            {survey.status === 'open' && (
              <>
                <Button
                  loading={busy}
                  onClick={() =>
                    void run(async () => {
                      const answer = await remind.mutateAsync(input);
                      return t('surveys.reminded', answer);
                    })
                  }
                >
                  {t('surveys.remind')}
                </Button>
                <Button
                  icon={<DownloadOutlined />}
                  onClick={() => download(hrefOf(surveysApi.links, input))}
                  data-testid="download-links"
                >
                  {t('surveys.links')}
                </Button>
                <Button icon={<QrcodeOutlined />} onClick={() => setPosterShown(true)}>
                  {t('surveys.poster')}
                </Button>
                <Button
                  danger
                  loading={busy}
                  onClick={() =>
                    void run(async () => {
                      await close.mutateAsync(input);
                      return t('surveys.closed');
                    })
                  }
                >
                  {t('surveys.close')}
                </Button>
              </>
            )}
          </Space>
        )}
      </Flex>
      {editable ? (
        <Card size="small" style={{ margin: '12px 0' }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {departmentsQuery.isError && (
              <LoadError
                error={departmentsQuery.error}
                onRetry={() => void departmentsQuery.refetch()}
              />
            )}
            <Input
              addonBefore={t('surveys.field.title')}
              value={draft.title}
              onChange={(event) => setDraft({ ...draft, title: event.target.value })}
            />
            <Input.TextArea
              autoSize={{ minRows: 2 }}
              placeholder={t('surveys.field.intro')}
              value={draft.intro}
              onChange={(event) => setDraft({ ...draft, intro: event.target.value })}
            />
            <Space wrap>
              {t('surveys.field.year')}
              <InputNumber
                value={draft.year}
                onChange={(year) => setDraft({ ...draft, year: year ?? draft.year })}
              />
              {t('surveys.field.items')}
              <Select
                mode="multiple"
                style={{ minWidth: 160 }}
                value={draft.itemNos}
                onChange={(itemNos) => setDraft({ ...draft, itemNos })}
                options={[43, 52].map((no) => ({ value: no, label: `第${no}项` }))}
              />
              {t('surveys.field.population')}
              <Select
                style={{ width: 140 }}
                value={population?.kind}
                data-testid="population-kind"
                onChange={(kind: Population['kind']) =>
                  setPopulation(
                    kind === 'all'
                      ? { kind }
                      : kind === 'department'
                        ? { kind, departmentIds: departments.slice(0, 1).map((d) => d.id) }
                        : { kind, attribute: 'young' },
                  )
                }
                options={(['all', 'department', 'attribute'] as const).map((kind) => ({
                  value: kind,
                  label: t(`surveys.population.${kind}` as MessageKey),
                }))}
              />
              {population?.kind === 'department' && (
                <Select
                  mode="multiple"
                  style={{ minWidth: 240 }}
                  value={population.departmentIds}
                  onChange={(departmentIds: string[]) =>
                    setPopulation({ kind: 'department', departmentIds })
                  }
                  options={departments.map((d) => ({ value: d.id, label: d.name }))}
                />
              )}
              {population?.kind === 'attribute' && (
                <Select
                  style={{ width: 160 }}
                  value={population.attribute}
                  onChange={(attribute: TeacherAttribute) =>
                    setPopulation({ kind: 'attribute', attribute })
                  }
                  options={teacherAttributes.map((a) => ({ value: a, label: t(attributeKey(a)) }))}
                />
              )}
            </Space>
          </Space>
        </Card>
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {survey.intro}
        </Typography.Paragraph>
      )}
      {survey.status === 'draft' ? (
        <SurveyBuilder
          value={draft.questionnaire}
          disabled={!editable}
          onChange={(questionnaire) => setDraft({ ...draft, questionnaire })}
        />
      ) : (
        <>
          {progressQuery.isError && (
            <div style={{ marginBottom: 12 }}>
              <LoadError error={progressQuery.error} onRetry={() => void progressQuery.refetch()} />
            </div>
          )}
          {progress && (
            <Card size="small" title={t('surveys.progress')} style={{ marginBottom: 12 }}>
              <Row gutter={16}>
                <Col xs={8}>
                  <Statistic title={t('surveys.invited')} value={progress.invited} />
                </Col>
                <Col xs={8}>
                  <Statistic title={t('surveys.responded')} value={progress.responded} />
                </Col>
                <Col xs={8}>
                  <Statistic
                    title={t('surveys.rate')}
                    value={progress.rate ?? '—'}
                    suffix={progress.rate === null ? '' : '%'}
                  />
                </Col>
              </Row>
              <Table
                size="small"
                rowKey={(row) => row.departmentId ?? 'none'}
                style={{ marginTop: 8 }}
                pagination={false}
                dataSource={progress.byDepartment}
                columns={[
                  { title: t('teachers.field.departmentId'), dataIndex: 'name' },
                  { title: t('surveys.invited'), dataIndex: 'invited' },
                  { title: t('surveys.responded'), dataIndex: 'responded' },
                  {
                    title: t('surveys.rate'),
                    dataIndex: 'rate',
                    render: (v: number | null) => (v === null ? '—' : `${v}%`),
                  },
                ]}
              />
            </Card>
          )}
          <Card
            size="small"
            title={t('surveys.results')}
            data-testid="survey-results"
            extra={
              results && (
                <Space wrap>
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    onClick={() => download(hrefOf(surveysApi.exportResults, input))}
                  >
                    .xlsx
                  </Button>
                  {canEdit && (
                    <Button
                      size="small"
                      icon={<DownloadOutlined />}
                      onClick={() => download(hrefOf(surveysApi.reportDocx, input))}
                    >
                      {t('surveys.reportDocx')}
                    </Button>
                  )}
                </Space>
              )
            }
          >
            {refusal && (
              <Alert type="info" showIcon message={refusal} data-testid="results-refused" />
            )}
            {resultsQuery.isError && !refusal && !results && (
              <LoadError error={resultsQuery.error} onRetry={() => void resultsQuery.refetch()} />
            )}
            {results && (
              <>
                <Descriptions size="small" column={{ xs: 1, sm: 3 }}>
                  <Descriptions.Item label={t('surveys.responded')}>
                    {results.responses}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('surveys.rate')}>
                    {results.responseRate ?? '—'}%
                  </Descriptions.Item>
                  <Descriptions.Item label={t('surveys.favourable')}>
                    {results.favourable.value ?? '—'}%（{results.favourable.numerator}/
                    {results.favourable.denominator}）
                  </Descriptions.Item>
                </Descriptions>
                {results.questions.map((tally, index) => (
                  <div key={tally.id} style={{ marginTop: 16 }}>
                    <Typography.Text strong>
                      {index + 1}. {tally.title}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {' '}
                      （{t('surveys.answered', { count: tally.answered })}
                      {tally.mean !== null ? `，${t('surveys.mean')} ${tally.mean}` : ''}）
                    </Typography.Text>
                    {charts[index] ? (
                      <Chart
                        option={charts[index]!}
                        height={Math.max(
                          120,
                          (tally.kind === 'matrix' ? tally.rows.length : tally.labels.length) * 32,
                        )}
                        testId={`chart-${tally.id}`}
                      />
                    ) : (
                      <List
                        size="small"
                        dataSource={tally.texts}
                        locale={{ emptyText: '—' }}
                        renderItem={(text) => <List.Item>{text}</List.Item>}
                      />
                    )}
                  </div>
                ))}
                <Flex align="center" gap={8} style={{ marginTop: 24 }} wrap>
                  <Typography.Text strong>{t('surveys.breakdown')}</Typography.Text>
                  <Select
                    style={{ width: 180 }}
                    value={dimension}
                    onChange={setDimension}
                    options={breakdownDimensions.map((d) => ({
                      value: d,
                      label:
                        d === 'department' ? t('teachers.field.departmentId') : t(attributeKey(d)),
                    }))}
                  />
                </Flex>
                {results.breakdown && (
                  <Table
                    size="small"
                    style={{ marginTop: 8 }}
                    rowKey="key"
                    pagination={false}
                    scroll={{ x: 600 }}
                    dataSource={results.breakdown.groups}
                    columns={[
                      { title: t('surveys.group'), dataIndex: 'name' },
                      {
                        title: t('surveys.responded'),
                        render: (_, group) =>
                          group.hidden ? (
                            <Tag>{t('surveys.hidden', { threshold: results.threshold })}</Tag>
                          ) : (
                            group.responses
                          ),
                      },
                      ...results.questions
                        .filter((q) => q.kind === 'rating')
                        .map((q) => ({
                          title: q.title.slice(0, 14),
                          render: (
                            _: unknown,
                            group: NonNullable<SurveyResults['breakdown']>['groups'][number],
                          ) => group.questions.find((entry) => entry.id === q.id)?.mean ?? '—',
                        })),
                    ]}
                  />
                )}
              </>
            )}
          </Card>
        </>
      )}
      <Modal
        open={posterShown}
        footer={null}
        onCancel={() => setPosterShown(false)}
        title={t('surveys.poster')}
      >
        <QueryView query={poster}>
          {(qr) => (
            <div style={{ textAlign: 'center' }}>
              {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server's own QR code SVG */}
              <div dangerouslySetInnerHTML={{ __html: qr.svg }} />
              <Typography.Paragraph>{qr.url}</Typography.Paragraph>
              <Typography.Paragraph type="secondary">
                {t('surveys.posterHint')}
              </Typography.Paragraph>
            </div>
          )}
        </QueryView>
      </Modal>
    </div>
  );
}
