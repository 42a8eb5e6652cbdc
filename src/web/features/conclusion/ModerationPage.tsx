import { DeleteOutlined, PlusOutlined, RollbackOutlined, SaveOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Input,
  InputNumber,
  Modal,
  Pagination,
  Row,
  Select,
  Flex,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import {
  conclusionApi,
  type ModerationRow,
  type ModerationView,
  type RatingScaleView,
  type RollupView,
  type SummaryList,
} from '../../../shared/api/conclusion';
import { ratingScaleProblem, type RatingLevel } from '../../../shared/conclusion/rating-scale';
import { organizationWideRoles, type Role } from '../../../shared/roles';
import { indicatorLabel } from '../../../shared/plan-import/indicator-tree';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { Chart, type ChartOption, nameAxisLabel } from '../../components/Chart';
import { EvidenceField } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { usePlan } from '../../usePlan';
import { useServerAction } from '../../useServerAction';
import { summaryStatusColors } from './ConclusionPage';
import { formatTime } from '../../time';

const LEVEL_COLORS = ['#52c41a', '#faad14', '#ff4d4f', '#1677ff', '#722ed1', '#13c2c2', '#8c8c8c'];

function ModerationItem({
  row,
  scale,
  planId,
  staff,
  onSaved,
}: {
  row: ModerationRow;
  scale: RatingLevel[];
  planId: string;
  staff: boolean;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const [rating, setRating] = useState<string | undefined>(row.institution?.rating);
  const [note, setNote] = useState(row.institution?.note ?? '');
  const { busy, run } = useServerAction();
  async function save() {
    if (!rating) return;
    await run(async () => {
      await call(conclusionApi.moderationSet, {
        params: { id: planId, itemId: row.itemId },
        body: { version: row.institution?.version ?? 0, rating, note },
      });
      return t('moderation.saved');
    });
    // Saved or refused (a newer rating): show the item as it now is.
    onSaved();
  }
  return (
    <div className="item-row" data-testid="moderation-item" data-item-no={row.no}>
      <div className="item-no">{row.no}</div>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {row.level1.title} / {row.level2.title}
        </Typography.Text>
        <Typography.Paragraph style={{ marginBottom: 4 }}>{row.content}</Typography.Paragraph>
        <div className="item-focus">
          <strong>
            {t('item.focus')}
            {t('punct.colon')}
          </strong>
          {row.focus}
        </div>
        <Table
          size="small"
          style={{ marginTop: 8 }}
          pagination={false}
          rowKey="id"
          dataSource={row.departments}
          scroll={{ x: 640 }}
          columns={[
            {
              title: t('moderation.department'),
              dataIndex: 'name',
              width: 150,
              render: (name: string, department) => (
                <Space size={4}>
                  {name}
                  <Tag bordered={false} color={department.role === 'lead' ? 'blue' : 'default'}>
                    {t(
                      department.role === 'lead' ? 'breakdown.role.lead' : 'breakdown.role.support',
                    )}
                  </Tag>
                </Space>
              ),
            },
            {
              title: t('moderation.deptRating'),
              width: 110,
              render: (_value, department) =>
                department.rating ? (
                  <Tag color="green" data-testid="department-rating">
                    {department.rating.rating}
                  </Tag>
                ) : (
                  <Tag color="red">{t('selfAssessment.notRated')}</Tag>
                ),
            },
            {
              title: t('moderation.justification'),
              render: (_value, department) => (
                <span style={{ whiteSpace: 'pre-wrap' }}>
                  {department.rating?.justification ?? '—'}
                </span>
              ),
            },
            {
              title: t('moderation.evidence'),
              width: 200,
              render: (_value, department) =>
                department.rating?.evidenceIds.length ? (
                  <EvidenceField value={department.rating.evidenceIds} disabled />
                ) : (
                  '—'
                ),
            },
          ]}
        />
        <Flex wrap gap={8} align="start" style={{ marginTop: 8 }}>
          <Typography.Text strong>{t('moderation.institution')}</Typography.Text>
          <Select
            style={{ width: 160 }}
            value={rating}
            onChange={setRating}
            disabled={!staff}
            aria-label={t('moderation.institution')}
            data-testid="institution-rating"
            options={scale.map((level) => ({
              value: level.label,
              label: `${level.label}${t('punct.open')}${level.score}${t('punct.close')}`,
            }))}
          />
          <Input
            style={{ width: 320, maxWidth: '100%' }}
            value={note}
            onChange={(event) => setNote(event.target.value)}
            disabled={!staff}
            placeholder={t('moderation.note')}
            aria-label={t('moderation.note')}
            maxLength={2000}
          />
          {staff && (
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={
                !rating || (rating === row.institution?.rating && note === row.institution.note)
              }
              loading={busy}
              onClick={() => void save()}
              data-testid="save-moderation"
            >
              {t('moderation.save')}
            </Button>
          )}
          {row.institution && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('moderation.moderatedBy', { name: row.institution.moderatedBy })}
            </Typography.Text>
          )}
        </Flex>
      </div>
    </div>
  );
}

function Rollups({ view }: { view: ModerationView }) {
  const { t } = useI18n();
  const level1: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 24, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: 'value', max: 100 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: view.rollups.level1.map((row) => indicatorLabel(row.code, row.title, '、')),
        axisLabel: nameAxisLabel,
      },
      series: [
        {
          name: t('rollup.mean'),
          type: 'bar',
          data: view.rollups.level1.map((row) => row.meanScore),
          label: { show: true, position: 'right' },
          itemStyle: { color: '#1677ff' },
        },
      ],
    }),
    [view, t],
  );
  const level2: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: view.rollups.level2.map((row) => `${row.code}.${row.title}`),
        axisLabel: nameAxisLabel,
      },
      series: [
        ...view.scale.map((level, index) => ({
          name: level.label,
          type: 'bar',
          stack: 'all',
          itemStyle: { color: LEVEL_COLORS[index % LEVEL_COLORS.length] },
          data: view.rollups.level2.map(
            (row) => row.distribution.find((entry) => entry.label === level.label)?.count ?? 0,
          ),
        })),
        {
          name: t('rollup.unrated'),
          type: 'bar',
          stack: 'all',
          itemStyle: { color: '#d9d9d9' },
          data: view.rollups.level2.map((row) => row.unrated),
        },
      ],
    }),
    [view, t],
  );
  const columns = [
    {
      title: t('rollup.table.indicator'),
      render: (_value: unknown, row: RollupView) =>
        `${row.code}${row.parentCode ? '.' : '、'}${row.title}`,
    },
    { title: t('rollup.table.items'), dataIndex: 'items', width: 90 },
    { title: t('rollup.table.rated'), dataIndex: 'rated', width: 90 },
    {
      title: t('rollup.mean'),
      dataIndex: 'meanScore',
      width: 90,
      render: (value: number | null) => value ?? '—',
    },
    ...view.scale.map((level) => ({
      title: level.label,
      width: 90,
      render: (_value: unknown, row: RollupView) =>
        row.distribution.find((entry) => entry.label === level.label)?.count ?? 0,
    })),
    { title: t('rollup.unrated'), dataIndex: 'unrated', width: 90 },
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={10}>
        <Card size="small" title={t('rollup.level1')}>
          <Chart
            option={level1}
            height={Math.max(220, view.rollups.level1.length * 40)}
            testId="chart-rollup-level1"
          />
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card size="small" title={t('rollup.level2')}>
          <Chart
            option={level2}
            height={Math.max(260, view.rollups.level2.length * 26)}
            testId="chart-rollup-level2"
          />
        </Card>
      </Col>
      <Col xs={24}>
        <Table
          size="small"
          rowKey={(row) => `${row.parentCode ?? ''}-${row.code}`}
          pagination={false}
          dataSource={[
            ...view.rollups.level1.flatMap((top) => [
              top,
              ...view.rollups.level2.filter((row) => row.parentCode === top.code),
            ]),
          ]}
          columns={columns}
          scroll={{ x: 720 }}
        />
      </Col>
    </Row>
  );
}

function Summaries({ planId, staff }: { planId: string; staff: boolean }) {
  const summaries = useOperation(conclusionApi.summariesList, { params: { id: planId } });
  return (
    <QueryView query={summaries}>
      {(list) => <SummaryTable planId={planId} staff={staff} list={list} />}
    </QueryView>
  );
}

function SummaryTable({
  planId,
  staff,
  list,
}: {
  planId: string;
  staff: boolean;
  list: SummaryList;
}) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const { run } = useServerAction();
  const [returning, setReturning] = useState<{ id: string; name: string } | null>(null);
  const [comment, setComment] = useState('');
  type Row = SummaryList['rows'][number];
  async function sendBack() {
    if (!returning) return;
    await run(async () => {
      await call(conclusionApi.summariesReturn, {
        params: { id: planId, departmentId: returning.id },
        body: { comment },
      });
      setReturning(null);
      setComment('');
      await invalidate(conclusionApi.summariesList, conclusionApi.get);
      return t('summaries.returned');
    });
  }
  const section = (label: string, text: string) => (
    <div style={{ marginBottom: 8 }}>
      <Typography.Text strong>{label}</Typography.Text>
      <div style={{ whiteSpace: 'pre-wrap' }}>{text.trim() || t('summaries.empty')}</div>
    </div>
  );
  return (
    <>
      <Table<Row>
        size="small"
        rowKey={(row) => row.department.id}
        dataSource={list.rows}
        pagination={false}
        scroll={{ x: 720 }}
        expandable={{
          expandedRowRender: (row) => (
            <div>
              {section(t('summary.highlights'), row.highlights)}
              {section(t('summary.results'), row.results)}
              {section(t('summary.cases'), row.cases)}
              {row.evidenceIds.length > 0 && <EvidenceField value={row.evidenceIds} disabled />}
            </div>
          ),
        }}
        columns={[
          {
            title: t('summaries.department'),
            dataIndex: ['department', 'name'],
            sorter: (a, b) => a.department.name.localeCompare(b.department.name, 'zh-CN'),
          },
          {
            title: t('summary.status'),
            width: 150,
            render: (_value, row) => (
              <Space size={4}>
                <Tag color={summaryStatusColors[row.status]}>
                  {t(`summary.status.${row.status}`)}
                </Tag>
                {row.late && <Tag color="red">{t('status.late')}</Tag>}
              </Space>
            ),
            filters: (['not_started', 'draft', 'submitted', 'returned'] as const).map((status) => ({
              text: t(`summary.status.${status}`),
              value: status,
            })),
            onFilter: (value, row) => row.status === value,
          },
          {
            title: t('summaries.rated'),
            width: 110,
            render: (_value, row) => `${row.rated} / ${row.itemCount}`,
          },
          {
            title: t('summaries.submittedAt'),
            width: 170,
            render: (_value, row) => (row.submittedAt ? formatTime(row.submittedAt) : '—'),
          },
          ...(staff
            ? [
                {
                  title: '',
                  width: 110,
                  render: (_value: unknown, row: Row) =>
                    row.status === 'submitted' && (
                      <Button
                        size="small"
                        icon={<RollbackOutlined />}
                        onClick={() =>
                          setReturning({ id: row.department.id, name: row.department.name })
                        }
                      >
                        {t('summaries.return')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={returning !== null}
        title={`${t('summaries.return')} · ${returning?.name ?? ''}`}
        onCancel={() => setReturning(null)}
        onOk={() => void sendBack()}
        okButtonProps={{ disabled: !comment.trim() }}
      >
        <Input.TextArea
          autoSize={{ minRows: 3 }}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          placeholder={t('summaries.return.placeholder')}
          aria-label={t('summaries.return.comment')}
          maxLength={2000}
        />
      </Modal>
    </>
  );
}

function ScaleEditor({
  planId,
  staff,
  onSaved,
}: {
  planId: string;
  staff: boolean;
  onSaved(): void;
}) {
  const scale = useOperation(conclusionApi.ratingScaleGet, { params: { id: planId } });
  return (
    <QueryView query={scale}>
      {(view) => (
        // A new version (saved here or elsewhere) starts the form again from it.
        <ScaleForm
          key={view.version}
          planId={planId}
          staff={staff}
          scale={view}
          onSaved={onSaved}
        />
      )}
    </QueryView>
  );
}

function ScaleForm({
  planId,
  staff,
  scale,
  onSaved,
}: {
  planId: string;
  staff: boolean;
  scale: RatingScaleView;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const { run } = useServerAction();
  const [levels, setLevels] = useState<RatingLevel[]>(scale.levels);
  const editable = staff && !scale.locked;
  async function save() {
    await run(async () => {
      await call(conclusionApi.ratingScaleSet, {
        params: { id: planId },
        body: { version: scale.version, levels },
      });
      await invalidate(conclusionApi.ratingScaleGet);
      onSaved();
      return t('scale.saved');
    });
  }
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560 }}>
      <Alert
        type={scale.locked ? 'warning' : 'info'}
        showIcon
        message={scale.locked ? t('scale.locked') : t('scale.hint')}
      />
      {levels.map((level, index) => (
        <Space key={index}>
          <Input
            value={level.label}
            disabled={!editable}
            maxLength={20}
            aria-label={t('scale.label')}
            placeholder={t('scale.label')}
            onChange={(event) =>
              setLevels(
                levels.map((other, at) =>
                  at === index ? { ...other, label: event.target.value } : other,
                ),
              )
            }
          />
          <InputNumber
            value={level.score}
            disabled={!editable}
            min={0}
            max={100}
            aria-label={t('scale.score')}
            onChange={(score) =>
              setLevels(
                levels.map((other, at) => (at === index ? { ...other, score: score ?? 0 } : other)),
              )
            }
          />
          {editable && levels.length > 2 && (
            <Button
              icon={<DeleteOutlined />}
              onClick={() => setLevels(levels.filter((_other, at) => at !== index))}
              aria-label="remove"
            />
          )}
        </Space>
      ))}
      {editable && (
        <Space>
          {levels.length < 7 && (
            <Button
              icon={<PlusOutlined />}
              onClick={() => setLevels([...levels, { label: '', score: 0 }])}
            >
              {t('scale.add')}
            </Button>
          )}
          <Button
            type="primary"
            icon={<SaveOutlined />}
            onClick={() => void save()}
            disabled={
              levels.some((level) => !level.label.trim()) || ratingScaleProblem(levels) !== null
            }
          >
            {t('scale.save')}
          </Button>
        </Space>
      )}
    </Space>
  );
}

/** The coordinating office reviews every item: the departments' ratings side by side, the institution's rating, roll-ups by indicator. */
export default function ModerationPage({ role }: { role: Role }) {
  const { planId, error: planError } = usePlan();
  const moderation = useOperation(
    conclusionApi.moderationGet,
    planId ? { params: { id: planId } } : null,
  );
  const invalidate = useInvalidate();
  if (planError) return <Alert type="error" showIcon message={planError} />;
  return (
    <QueryView query={moderation}>
      {(view) =>
        planId && (
          <ModerationBoard
            view={view}
            planId={planId}
            staff={organizationWideRoles.includes(role)}
            onSaved={() => void invalidate(conclusionApi.moderationGet)}
          />
        )
      }
    </QueryView>
  );
}

function ModerationBoard({
  view,
  planId,
  staff,
  onSaved,
}: {
  view: ModerationView;
  planId: string;
  staff: boolean;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  // Links from the quality report arrive with ?level1= or ?rating=.
  const [level1, setLevel1] = useState<string | undefined>(() => searchParam('level1'));
  const [rating, setRating] = useState<string | undefined>(() => searchParam('rating'));
  const [onlyOpen, setOnlyOpen] = useState(false);
  const [page, setPage] = useState(1);

  const needle = query.trim();
  const rows = view.rows.filter(
    (row) =>
      (!level1 || row.level1.code === level1) &&
      (!rating || row.institution?.rating === rating) &&
      (!onlyOpen || row.institution === null) &&
      (!needle ||
        String(row.no) === needle ||
        row.content.includes(needle) ||
        row.focus.includes(needle)),
  );
  const pageSize = 10;
  const shown = rows.slice((page - 1) * pageSize, page * pageSize);
  const complete = view.rows.filter(
    (row) =>
      row.departments.length > 0 &&
      row.departments.every((department) => department.rating !== null),
  ).length;

  return (
    <Card title={t('moderation.title')}>
      <Typography.Paragraph type="secondary">
        {t('moderation.counts', {
          total: view.rows.length,
          moderated: view.rows.filter((row) => row.institution !== null).length,
          complete,
        })}{' '}
        {t('moderation.hint')}
      </Typography.Paragraph>
      <Tabs
        items={[
          {
            key: 'items',
            label: t('moderation.tab.items'),
            children: (
              <>
                <Space wrap style={{ marginBottom: 12 }}>
                  <Input.Search
                    allowClear
                    placeholder={t('moderation.search')}
                    style={{ width: 260 }}
                    onChange={(event) => {
                      setQuery(event.target.value);
                      setPage(1);
                    }}
                  />
                  <Select
                    allowClear
                    placeholder={t('moderation.level1')}
                    style={{ width: 220 }}
                    value={level1}
                    onChange={(value?: string) => {
                      setLevel1(value);
                      setPage(1);
                    }}
                    options={view.rollups.level1.map((row) => ({
                      value: row.code,
                      label: indicatorLabel(row.code, row.title, '、'),
                    }))}
                  />
                  <Select
                    allowClear
                    placeholder={t('moderation.institution')}
                    style={{ width: 160 }}
                    value={rating}
                    onChange={(value?: string) => {
                      setRating(value);
                      setPage(1);
                    }}
                    options={view.scale.map((level) => ({
                      value: level.label,
                      label: level.label,
                    }))}
                    data-testid="rating-filter"
                  />
                  <Checkbox
                    checked={onlyOpen}
                    onChange={(event) => {
                      setOnlyOpen(event.target.checked);
                      setPage(1);
                    }}
                  >
                    {t('moderation.onlyOpen')}
                  </Checkbox>
                </Space>
                {shown.length === 0 ? (
                  <Typography.Paragraph type="secondary">
                    {t('moderation.none')}
                  </Typography.Paragraph>
                ) : (
                  shown.map((row) => (
                    <ModerationItem
                      key={`${row.itemId}-${row.institution?.version ?? 0}`}
                      row={row}
                      scale={view.scale}
                      planId={planId}
                      staff={staff}
                      onSaved={onSaved}
                    />
                  ))
                )}
                <Pagination
                  style={{ marginTop: 12 }}
                  current={page}
                  pageSize={pageSize}
                  total={rows.length}
                  onChange={setPage}
                  hideOnSinglePage
                  showSizeChanger={false}
                />
              </>
            ),
          },
          { key: 'rollup', label: t('moderation.tab.rollup'), children: <Rollups view={view} /> },
          {
            key: 'summaries',
            label: t('moderation.tab.summaries'),
            children: <Summaries planId={planId} staff={staff} />,
          },
          {
            key: 'scale',
            label: t('moderation.tab.scale'),
            children: <ScaleEditor planId={planId} staff={staff} onSaved={onSaved} />,
          },
        ]}
      />
    </Card>
  );
}
