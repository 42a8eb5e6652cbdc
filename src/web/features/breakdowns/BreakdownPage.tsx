import {
  ArrowLeftOutlined,
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  PlusOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import {
  type breakdownItemSchema,
  breakdownsApi,
  type BreakdownView,
  type MeasureView,
  type SheetChange,
  type SheetPreview,
} from '../../../shared/api/breakdowns';
import { deadlineKinds, type Deadline } from '../../../shared/deadlines';
import {
  deadlineDateLabel,
  deadlineDateNeed,
  isCalendarDate,
} from '../../../shared/measure-deadline';
import type { MessageKey } from '../../../shared/i18n/messages';
import { indicatorLabel } from '../../../shared/plan-import/indicator-tree';
import { ApiError, call, hrefOf, upload } from '../../api/client';
import { keyOf, useOperation } from '../../api/query';
import type { ItemDiff } from '../../../shared/breakdown-diff';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';
import { formatTime } from '../../time';

type BreakdownItem = z.infer<typeof breakdownItemSchema>;
type BreakdownAt = { id: string; departmentId: string };
type Mode = 'edit' | 'review' | 'read';

const statusColors: Record<BreakdownView['status'], string> = {
  not_started: 'default',
  draft: 'processing',
  submitted: 'gold',
  returned: 'error',
  approved: 'success',
};

export function StatusTag({ status, late }: { status: BreakdownView['status']; late: boolean }) {
  const { t } = useI18n();
  return (
    <Space size={4}>
      <Tag color={statusColors[status]} data-testid="status">
        {t(`status.${status}`)}
      </Tag>
      {late && <Tag color="red">{t('status.late')}</Tag>}
    </Space>
  );
}

function MeasureEditor({
  initial,
  onSave,
  onCancel,
}: {
  initial?: MeasureView;
  onSave(text: string, deadline: Deadline): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(initial?.text ?? '');
  const [deadline, setDeadline] = useState<Deadline>(
    initial?.deadline ?? { kind: 'date', dueOn: '' },
  );
  const [busy, setBusy] = useState(false);
  // One rule with the sheet and the API (shared/measure-deadline.ts): which kinds need their date.
  const need = deadlineDateNeed[deadline.kind];
  const dateLabel = deadlineDateLabel(deadline.kind);
  const dueOn = need === 'none' ? '' : deadline.dueOn.trim();
  const why =
    text.trim().length === 0
      ? t('measure.why.text')
      : need === 'required' && dueOn === ''
        ? t('measure.why.date', { label: t(`measure.${dateLabel ?? 'dueOn'}` as MessageKey) })
        : dueOn !== '' && !isCalendarDate(dueOn)
          ? t('measure.why.noSuchDate')
          : null;
  // An ongoing measure keeps the start it already has; a new one runs from the plan's start.
  const sent =
    need === 'none'
      ? initial?.deadline.kind === 'ongoing'
        ? initial.deadline
        : { kind: deadline.kind }
      : dueOn === ''
        ? { kind: deadline.kind }
        : { kind: deadline.kind, dueOn };
  return (
    <div className="measure-editor">
      <Input.TextArea
        autoSize={{ minRows: 2, maxRows: 8 }}
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={t('measure.text.placeholder')}
        aria-label={t('measure.text')}
        maxLength={2000}
      />
      <div className="measure-deadline">
        <div className="measure-deadline-field">
          <span className="measure-deadline-label">{t('measure.deadline')}</span>
          <Select
            style={{ width: 140 }}
            value={deadline.kind}
            onChange={(kind) => setDeadline({ ...deadline, kind })}
            options={deadlineKinds.map((kind) => ({
              value: kind,
              label: t(`measure.deadline.${kind}` as MessageKey),
            }))}
            aria-label={t('measure.deadline')}
          />
        </div>
        {dateLabel && (
          <div className="measure-deadline-field">
            <span className="measure-deadline-label">
              {t(`measure.${dateLabel}` as MessageKey)}
              {need === 'optional' ? t('measure.optional') : ''}
            </span>
            <Input
              type="date"
              style={{ width: 170 }}
              value={deadline.dueOn}
              onChange={(event) => setDeadline({ ...deadline, dueOn: event.target.value })}
              aria-label={t(`measure.${dateLabel}` as MessageKey)}
            />
          </div>
        )}
        <Button
          type="primary"
          disabled={why !== null}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onSave(text.trim(), sent as Deadline);
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('measure.save')}
        </Button>
        <Button onClick={onCancel}>{t('measure.cancel')}</Button>
      </div>
      <div className="measure-deadline-hint" data-testid="measure-deadline-hint">
        {why ? (
          <Typography.Text type="warning">{why}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">
            {t(`measure.hint.${deadline.kind}` as MessageKey)}
          </Typography.Text>
        )}
      </div>
    </div>
  );
}

function describe(deadline: Deadline, t: ReturnType<typeof useI18n>['t']): string {
  if (deadline.kind === 'date') return deadline.dueOn;
  if (deadline.kind === 'ongoing')
    return `${t('measure.deadline.ongoing')} · ${t('measure.since', { date: deadline.dueOn })}`;
  return `${t(`measure.deadline.${deadline.kind}` as MessageKey)} · ${t('measure.firstDue')} ${deadline.dueOn}`;
}

function ItemCard({
  item,
  editable,
  mode,
  at,
  reload,
  comment,
  onComment,
}: {
  item: BreakdownItem;
  editable: boolean;
  mode: Mode;
  /** The breakdown's address: the plan and the department. */
  at: BreakdownAt;
  reload(): Promise<void>;
  comment: string;
  onComment(text: string): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<string | 'new' | null>(null);

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
      message.success(t('measure.saved'));
      setEditing(null);
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 6);
    } finally {
      await reload();
    }
  }

  return (
    <div
      className="item-row"
      id={`item-${item.no}`}
      data-testid="breakdown-item"
      data-item-no={item.no}
    >
      <div className="item-no">{item.no}</div>
      <div>
        <Typography.Paragraph style={{ marginBottom: 4 }}>{item.content}</Typography.Paragraph>
        <div className="item-focus">
          <strong>
            {t('item.focus')}
            {t('punct.colon')}
          </strong>
          {item.focus}
        </div>
        <Space size={4} wrap style={{ marginTop: 4 }}>
          <Tag color={item.role === 'lead' ? 'blue' : 'default'}>
            {t(item.role === 'lead' ? 'breakdown.role.lead' : 'breakdown.role.support')}
            {item.viaGroup ? t('breakdown.viaGroup', { group: item.viaGroup }) : ''}
          </Tag>
          {item.otherDepartments.length > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('breakdown.others', { names: item.otherDepartments.join(t('punct.enum')) })}
            </Typography.Text>
          )}
        </Space>
        {item.returnComment && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 8 }}
            message={t('breakdown.returnComment', { comment: item.returnComment })}
            data-testid="return-comment"
          />
        )}
        {item.previousComment && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 8 }}
            message={t('review.previousComment', { comment: item.previousComment })}
            data-testid="previous-comment"
          />
        )}
        {item.changes && <MeasureChanges diff={item.changes} />}
        {item.measures.length === 0 && editing !== 'new' && (
          <div style={{ marginTop: 6 }}>
            <Typography.Text type="danger">{t('breakdown.noMeasure')}</Typography.Text>
          </div>
        )}
        {item.measures.map((measure) =>
          editing === measure.id ? (
            <MeasureEditor
              key={measure.id}
              initial={measure}
              onCancel={() => setEditing(null)}
              onSave={(text, deadline) =>
                run(() =>
                  call(breakdownsApi.measuresUpdate, {
                    params: { ...at, measureId: measure.id },
                    body: { version: measure.version, text, deadline },
                  }),
                )
              }
            />
          ) : (
            <div className="measure" key={measure.id} data-testid="measure">
              <div style={{ whiteSpace: 'pre-wrap' }}>{measure.text}</div>
              <Space style={{ marginTop: 4 }} wrap>
                <Tag>
                  {t('measure.deadline')}
                  {t('punct.colon')}
                  {describe(measure.deadline, t)}
                </Tag>
                {editable && (
                  <Button
                    size="small"
                    type="link"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(measure.id)}
                  >
                    {t('measure.edit')}
                  </Button>
                )}
                {editable && (
                  <Popconfirm
                    title={t('measure.delete.confirm')}
                    onConfirm={() =>
                      run(() =>
                        call(breakdownsApi.measuresDelete, {
                          params: { ...at, measureId: measure.id },
                          query: { version: measure.version },
                        }),
                      )
                    }
                  >
                    <Button size="small" type="link" danger icon={<DeleteOutlined />}>
                      {t('measure.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            </div>
          ),
        )}
        {editing === 'new' && (
          <MeasureEditor
            onCancel={() => setEditing(null)}
            onSave={(text, deadline) =>
              run(() =>
                call(breakdownsApi.measuresCreate, {
                  params: at,
                  body: { itemId: item.id, text, deadline },
                }),
              )
            }
          />
        )}
        {editable && editing === null && (
          <Button
            style={{ marginTop: 6 }}
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
          >
            {t('measure.add')}
          </Button>
        )}
        {mode === 'review' && (
          <Input.TextArea
            style={{ marginTop: 8 }}
            autoSize
            value={comment}
            onChange={(event) => onComment(event.target.value)}
            placeholder={t('review.comment.placeholder')}
            data-testid="review-comment"
          />
        )}
      </div>
    </div>
  );
}

/** What the department changed in an item's measures since the office returned the breakdown. */
function MeasureChanges({ diff }: { diff: ItemDiff }) {
  const { t } = useI18n();
  if (diff.changes.length === 0)
    return (
      <div style={{ marginTop: 6 }} data-testid="measure-changes">
        <Tag>{t('review.unchanged')}</Tag>
      </div>
    );
  return (
    <div className="measure-changes" data-testid="measure-changes">
      {diff.changes.map((change, index) => (
        <div
          key={`${change.kind}:${index}`}
          className={`measure-change measure-change-${change.kind}`}
        >
          <Tag
            color={change.kind === 'added' ? 'green' : change.kind === 'removed' ? 'red' : 'gold'}
          >
            {t(`review.change.${change.kind}`)}
          </Tag>
          {change.kind === 'changed' ? (
            <>
              <del>
                {change.before.text} · {change.before.deadline}
              </del>
              <span aria-hidden> → </span>
              <ins>
                {change.text} · {change.deadline}
              </ins>
            </>
          ) : change.kind === 'removed' ? (
            <del>
              {change.text} · {change.deadline}
            </del>
          ) : (
            <ins>
              {change.text} · {change.deadline}
            </ins>
          )}
        </div>
      ))}
    </div>
  );
}

/** Links to items, e.g. the returned ones at the top of a returned breakdown. */
function ItemLinks({ items }: { items: BreakdownItem[] }) {
  return (
    <Space size={[4, 4]} wrap>
      {items.map((item) => (
        <a
          key={item.id}
          href={`#item-${item.no}`}
          onClick={(event) => {
            event.preventDefault();
            document.getElementById(`item-${item.no}`)?.scrollIntoView({ block: 'start' });
          }}
          data-testid="item-link"
        >
          <Tag color="warning" style={{ cursor: 'pointer' }}>
            {item.no}. {item.content.length > 24 ? `${item.content.slice(0, 24)}…` : item.content}
          </Tag>
        </a>
      ))}
    </Space>
  );
}

type SheetStep =
  | { step: 'reading'; file: File }
  | { step: 'preview' | 'applying'; file: File; preview: SheetPreview }
  | { step: 'failed'; file: File; error: ApiError | null };

const changeColors: Record<SheetChange['kind'], string> = {
  add: 'green',
  change: 'blue',
  remove: 'red',
};

/**
 * The sheet filled in offline, uploaded back: the server's preview of what it would change and
 * of every row it cannot take, then — only when the person confirms — the same file applied.
 */
function SheetUpload({ at, onApplied }: { at: BreakdownAt; onApplied(): Promise<unknown> }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [state, setState] = useState<SheetStep | null>(null);
  const failure = (caught: unknown) => (caught instanceof ApiError ? caught : null);

  async function preview(file: File) {
    setState({ step: 'reading', file });
    try {
      setState({
        step: 'preview',
        file,
        preview: await upload(breakdownsApi.uploadSheet, file, {
          params: at,
          query: { dryRun: 'true' },
        }),
      });
    } catch (caught) {
      setState({ step: 'failed', file, error: failure(caught) });
    }
  }

  async function apply(file: File, shown: SheetPreview) {
    setState({ step: 'applying', file, preview: shown });
    try {
      const outcome = await upload(breakdownsApi.uploadSheet, file, {
        params: at,
        query: { basedOn: shown.token },
      });
      setState(null);
      message.success(t('sheet.applied', { count: outcome.changes.length }), 8);
    } catch (caught) {
      setState({ step: 'failed', file, error: failure(caught) });
    } finally {
      await onApplied();
    }
  }

  const measureCell = (measure: SheetChange['before']) =>
    measure && (
      <div>
        <div style={{ whiteSpace: 'pre-wrap' }}>{measure.text}</div>
        <Tag style={{ marginTop: 4 }}>
          {t('measure.deadline')}
          {t('punct.colon')}
          {describe(measure.deadline, t)}
        </Tag>
      </div>
    );
  const shown =
    state && (state.step === 'preview' || state.step === 'applying') ? state.preview : null;
  const count = (kind: SheetChange['kind']) =>
    shown?.changes.filter((change) => change.kind === kind).length ?? 0;
  const mustPreviewAgain =
    state?.step === 'failed' &&
    (state.error?.code === 'sheet.stale' || state.error?.code === 'sheet.not_previewed');

  return (
    <>
      <Upload
        accept=".xlsx,.docx"
        showUploadList={false}
        beforeUpload={(file) => {
          void preview(file);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} data-testid="upload-sheet">
          {t('sheet.upload')}
        </Button>
      </Upload>
      <Modal
        open={state !== null}
        title={t('sheet.preview.title')}
        width={1000}
        onCancel={() => setState(null)}
        maskClosable={false}
        footer={[
          <Button key="cancel" onClick={() => setState(null)}>
            {t('measure.cancel')}
          </Button>,
          mustPreviewAgain ? (
            <Button key="again" type="primary" onClick={() => void preview(state.file)}>
              {t('sheet.again')}
            </Button>
          ) : (
            <Button
              key="apply"
              type="primary"
              data-testid="apply-sheet"
              loading={state?.step === 'applying'}
              disabled={!shown || shown.problems.length > 0 || shown.changes.length === 0}
              onClick={() => shown && state && void apply(state.file, shown)}
            >
              {t('sheet.apply')}
            </Button>
          ),
        ]}
      >
        {state && (
          <Typography.Paragraph type="secondary">
            {t('sheet.preview.file', { file: state.file.name })}
          </Typography.Paragraph>
        )}
        {state?.step === 'reading' && (
          <Spin tip={t('sheet.preview.reading')}>
            <div style={{ height: 80 }} />
          </Spin>
        )}
        {state?.step === 'failed' && (
          <Alert
            type="error"
            showIcon
            data-testid="sheet-error"
            message={state.error?.message ?? t('error.network')}
            description={mustPreviewAgain ? undefined : t('sheet.preview.failed')}
          />
        )}
        {shown && (
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {shown.problems.length > 0 ? (
              <Alert
                type="error"
                showIcon
                data-testid="sheet-verdict"
                message={t('sheet.preview.problems', { count: shown.problems.length })}
              />
            ) : shown.changes.length === 0 ? (
              <Alert
                type="info"
                showIcon
                data-testid="sheet-verdict"
                message={t('sheet.preview.nothing')}
              />
            ) : (
              <Alert
                type="info"
                showIcon
                data-testid="sheet-verdict"
                message={t('sheet.preview.ready', {
                  added: count('add'),
                  changed: count('change'),
                  removed: count('remove'),
                  unchanged: shown.unchanged,
                })}
              />
            )}
            {shown.problems.length > 0 && (
              <Table
                size="small"
                pagination={false}
                rowKey={(problem) => `${problem.row}-${problem.code}-${problem.message}`}
                dataSource={shown.problems}
                title={() => (
                  <Typography.Text strong type="danger">
                    {t('sheet.preview.problemList')}
                  </Typography.Text>
                )}
                onRow={() =>
                  ({
                    'data-testid': 'sheet-problem',
                    style: { background: '#fff1f0' },
                  }) as React.HTMLAttributes<HTMLElement>
                }
                columns={[
                  {
                    title: t('sheet.column.row'),
                    dataIndex: 'row',
                    width: 90,
                    render: (row: number) => (
                      <Typography.Text type="danger" strong>
                        {t('sheet.row', { row })}
                      </Typography.Text>
                    ),
                  },
                  {
                    title: t('sheet.column.item'),
                    dataIndex: 'itemNo',
                    width: 70,
                    render: (no: number | null) => no ?? '—',
                  },
                  {
                    title: t('sheet.column.problem'),
                    dataIndex: 'message',
                    render: (text: string) => (
                      <Typography.Text type="danger">{text}</Typography.Text>
                    ),
                  },
                ]}
              />
            )}
            {shown.changes.length > 0 && (
              <Table
                size="small"
                pagination={false}
                rowKey={(change) =>
                  `${change.itemId}-${change.measureId ?? ''}-${change.after?.text ?? ''}`
                }
                dataSource={shown.changes}
                title={() => (
                  <Typography.Text strong>
                    {t(
                      shown.problems.length > 0
                        ? 'sheet.preview.changesAfterFix'
                        : 'sheet.preview.changes',
                    )}
                  </Typography.Text>
                )}
                onRow={() =>
                  ({ 'data-testid': 'sheet-change' }) as React.HTMLAttributes<HTMLElement>
                }
                columns={[
                  {
                    title: t('sheet.column.row'),
                    dataIndex: 'row',
                    width: 90,
                    render: (row: number) => t('sheet.row', { row }),
                  },
                  { title: t('sheet.column.item'), dataIndex: 'itemNo', width: 70 },
                  {
                    title: t('sheet.column.change'),
                    dataIndex: 'kind',
                    width: 80,
                    render: (kind: SheetChange['kind']) => (
                      <Tag color={changeColors[kind]}>{t(`sheet.kind.${kind}`)}</Tag>
                    ),
                  },
                  { title: t('sheet.column.before'), dataIndex: 'before', render: measureCell },
                  { title: t('sheet.column.after'), dataIndex: 'after', render: measureCell },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}

/** One department's task breakdown: filled in by its liaison, reviewed by the coordinating office. */
export default function BreakdownPage({
  departmentId,
  mode,
}: {
  departmentId: string;
  mode: Mode;
}) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { planId, error: planError } = usePlan();
  const client = useQueryClient();
  const [comments, setComments] = useState<Record<string, string>>({});
  const [overall, setOverall] = useState('');
  const [liaisonForm] = Form.useForm();
  const at: BreakdownAt | null = planId ? { id: planId, departmentId } : null;
  const input = at ? { params: at } : null;
  const breakdown = useOperation(breakdownsApi.get, input);
  const view = breakdown.data ?? null;
  const error =
    breakdown.isError && !view
      ? breakdown.error instanceof ApiError
        ? breakdown.error.message
        : t('error.network')
      : null;
  const setView = (next: BreakdownView) =>
    client.setQueryData(keyOf(breakdownsApi.get, input ?? undefined), next);
  const { refetch } = breakdown;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  const liaison = view?.liaison;
  useEffect(() => {
    if (liaison) liaisonForm.setFieldsValue(liaison);
  }, [liaison, liaisonForm]);

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!view || !at) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const items = view.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) => level2.items),
  );
  const done = items.filter((item) => item.measures.length > 0).length;
  const returnedItems = items.filter((item) => item.returnComment);
  const changedItems = items.filter((item) => (item.changes?.changes.length ?? 0) > 0);
  const open =
    view.status === 'not_started' || view.status === 'draft' || view.status === 'returned';
  const editable = mode === 'edit' && open;
  /** The liaison, or the coordinating office on the department's behalf, may upload a sheet filled in offline. */
  const sheetUpload = open && (mode === 'edit' || mode === 'review');
  const nextStep: MessageKey =
    view.status === 'submitted'
      ? 'breakdown.next.submitted'
      : view.status === 'approved'
        ? 'breakdown.next.approved'
        : view.status === 'returned'
          ? 'breakdown.next.returned'
          : 'breakdown.next.fill';

  async function act(action: () => Promise<BreakdownView>, success: MessageKey) {
    try {
      setView(await action());
      message.success(t(success));
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 6);
      // Someone else changed the breakdown meanwhile: show what it is now before any next change.
      if (caught instanceof ApiError && caught.status === 409) void reload();
    }
  }

  const review = (decision: 'approve' | 'return') =>
    act(
      () =>
        call(breakdownsApi.review, {
          params: at,
          body: {
            decision,
            ...(overall.trim() ? { comment: overall.trim() } : {}),
            itemComments:
              decision === 'return'
                ? Object.fromEntries(
                    Object.entries(comments)
                      .filter(([, text]) => text.trim())
                      .map(([id, text]) => [id, text.trim()]),
                  )
                : {},
          },
        }),
      'review.done',
    );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      {mode !== 'edit' && (
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/board')}>
          {t('back')}
        </Button>
      )}
      <Card>
        <Space wrap align="center" style={{ marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('breakdown.title', { department: view.department.name })}
          </Typography.Title>
          <StatusTag status={view.status} late={view.late} />
        </Space>
        {view.dueOn && (
          <div>
            <Typography.Text type={view.late ? 'danger' : 'secondary'}>
              {t('breakdown.due', { date: view.dueOn })}
            </Typography.Text>
          </div>
        )}
        <Space wrap style={{ margin: '4px 0' }}>
          <Button
            icon={<DownloadOutlined />}
            data-testid="download-sheet"
            href={hrefOf(breakdownsApi.export, {
              params: { id: view.planId },
              query: { format: 'xlsx', departmentId: view.department.id },
            })}
          >
            {t('export.mine')}
          </Button>
          {sheetUpload && <SheetUpload at={at} onApplied={reload} />}
        </Space>
        {sheetUpload && mode === 'edit' && (
          <Typography.Paragraph
            type="secondary"
            style={{ fontSize: 13, maxWidth: 820 }}
            data-testid="sheet-hint"
          >
            {t('sheet.upload.hint')}
          </Typography.Paragraph>
        )}
        <Progress
          percent={items.length ? Math.round((done / items.length) * 100) : 0}
          format={() => t('breakdown.progress', { done, total: items.length })}
          style={{ maxWidth: 480 }}
        />
        {mode === 'edit' && (
          <Alert
            type={view.status === 'returned' ? 'warning' : 'info'}
            showIcon
            message={t(nextStep)}
            description={
              returnedItems.length > 0 ? (
                <div data-testid="returned-items">
                  <div style={{ marginBottom: 4 }}>
                    {t('breakdown.returnedItems', { count: returnedItems.length })}
                  </div>
                  <ItemLinks items={returnedItems} />
                </div>
              ) : undefined
            }
            style={{ marginTop: 8 }}
            data-testid="next-step"
          />
        )}
        {mode !== 'edit' && view.resubmitted && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 8 }}
            message={t('review.resubmitted', { count: changedItems.length })}
            description={changedItems.length > 0 ? <ItemLinks items={changedItems} /> : undefined}
            data-testid="resubmitted"
          />
        )}
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          {t('breakdown.liaison')}
        </Typography.Title>
        <Form
          form={liaisonForm}
          layout="inline"
          disabled={!editable}
          onFinish={(values) =>
            act(
              () =>
                call(breakdownsApi.setLiaison, {
                  params: at,
                  body: { ...values, replaces: view.liaison },
                }),
              'breakdown.liaison.saved',
            )
          }
          style={{ rowGap: 8 }}
        >
          <Form.Item
            name="name"
            rules={[
              {
                required: true,
                message: t('signIn.required', { field: t('breakdown.liaison.name') }),
              },
            ]}
          >
            <Input
              placeholder={t('breakdown.liaison.name')}
              aria-label={t('breakdown.liaison.name')}
            />
          </Form.Item>
          <Form.Item
            name="phone"
            rules={[
              {
                required: true,
                message: t('signIn.required', { field: t('breakdown.liaison.phone') }),
              },
            ]}
          >
            <Input
              placeholder={t('breakdown.liaison.phone')}
              aria-label={t('breakdown.liaison.phone')}
            />
          </Form.Item>
          <Form.Item
            name="email"
            rules={[
              {
                required: true,
                type: 'email',
                message: t('signIn.required', { field: t('breakdown.liaison.email') }),
              },
            ]}
          >
            <Input
              placeholder={t('breakdown.liaison.email')}
              aria-label={t('breakdown.liaison.email')}
            />
          </Form.Item>
          {editable && <Button htmlType="submit">{t('breakdown.liaison.save')}</Button>}
        </Form>
        {mode === 'edit' && editable && (
          <Button
            type="primary"
            size="large"
            style={{ marginTop: 16 }}
            data-testid="submit-breakdown"
            onClick={() =>
              modal.confirm({
                title: t('breakdown.submit'),
                content: t('breakdown.submit.confirm'),
                onOk: () =>
                  act(() => call(breakdownsApi.submit, { params: at }), 'breakdown.submitted'),
              })
            }
          >
            {t('breakdown.submit')}
          </Button>
        )}
        {view.history.length > 0 && (
          <>
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('review.history')}
            </Typography.Title>
            <Timeline
              items={view.history.map((event) => ({
                color:
                  event.action === 'return' ? 'red' : event.action === 'approve' ? 'green' : 'blue',
                children: `${formatTime(event.at)} · ${event.actorName} · ${t(`history.${event.action}`)}${event.comment ? `${t('punct.colon')}${event.comment}` : ''}`,
              }))}
            />
          </>
        )}
      </Card>
      {view.indicators.map((level1) => (
        <Card
          key={level1.code + level1.title}
          title={indicatorLabel(level1.code, level1.title, '、')}
          size="small"
        >
          {level1.children.map((level2) => (
            <section key={level2.code + level2.title}>
              <div className="level2-title">
                {level2.code}. {level2.title}
              </div>
              {level2.items.map((item) => (
                <ItemCard
                  key={item.id}
                  item={item}
                  editable={editable}
                  mode={mode}
                  at={at}
                  reload={reload}
                  comment={comments[item.id] ?? ''}
                  onComment={(text) =>
                    setComments((previous) => ({ ...previous, [item.id]: text }))
                  }
                />
              ))}
            </section>
          ))}
        </Card>
      ))}
      {mode === 'review' && view.status === 'submitted' && (
        // Sticky: approve / return stay in reach while the office scrolls through the items.
        <div className="review-bar" data-testid="review-bar">
          <Input.TextArea
            autoSize={{ minRows: 1, maxRows: 3 }}
            value={overall}
            onChange={(event) => setOverall(event.target.value)}
            placeholder={t('review.overall')}
            aria-label={t('review.overall')}
          />
          <Space>
            <Button type="primary" onClick={() => review('approve')} data-testid="approve">
              {t('review.approve')}
            </Button>
            <Button danger onClick={() => review('return')} data-testid="return">
              {t('review.return')}
            </Button>
          </Space>
        </div>
      )}
    </Space>
  );
}
