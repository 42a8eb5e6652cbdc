import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { type DepartmentObligations, obligationsApi } from '../../../shared/api/obligations';
import { todoApi } from '../../../shared/api/todo';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { EvidenceField, EvidenceList } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { errorText } from '../../usePlanTree';
import { useI18n } from '../../i18n';
import { usePlan } from '../../usePlan';
import { describeObligation, PeriodTag } from './ObligationsPage';
import { formatTime } from '../../time';

type Entry = DepartmentObligations['obligations'][number];

interface OccurrenceForm {
  occurredOn: string;
  description: string;
  achieved?: number;
  outOf?: number;
  evidenceIds: string[];
}

function RecordForm({
  entry,
  departmentId,
  today,
  onSaved,
  onCancel,
}: {
  entry: Entry;
  departmentId: string;
  today: string;
  onSaved(): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { planId } = usePlan();
  const [form] = Form.useForm<OccurrenceForm>();
  const [busy, setBusy] = useState(false);
  const byReadings = entry.obligation.countedByReadings;

  async function save() {
    const values = await form.validateFields().catch(() => null);
    if (!values || !planId) return;
    setBusy(true);
    try {
      await call(obligationsApi.occurrencesRecord, {
        params: { id: planId, obligationId: entry.obligation.id },
        body: {
          departmentId,
          occurredOn: values.occurredOn,
          description: values.description.trim(),
          evidenceIds: values.evidenceIds ?? [],
          ...(byReadings ? { achieved: values.achieved, outOf: values.outOf } : {}),
        },
      });
      message.success(t('duties.saved'));
      await onSaved();
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 6);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ occurredOn: today, evidenceIds: [] }}
      className="occurrence-form"
      data-testid="occurrence-form"
    >
      <Space wrap align="start">
        <Form.Item name="occurredOn" label={t('duties.occurredOn')} rules={[{ required: true }]}>
          <Input
            type="date"
            max={today}
            style={{ width: 170 }}
            aria-label={t('duties.occurredOn')}
          />
        </Form.Item>
        {byReadings && (
          <>
            <Form.Item name="achieved" label={t('duties.achieved')} rules={[{ required: true }]}>
              <InputNumber
                min={0}
                precision={0}
                style={{ width: 120 }}
                aria-label={t('duties.achieved')}
              />
            </Form.Item>
            <Form.Item name="outOf" label={t('duties.outOf')} rules={[{ required: true }]}>
              <InputNumber
                min={1}
                precision={0}
                style={{ width: 120 }}
                aria-label={t('duties.outOf')}
              />
            </Form.Item>
          </>
        )}
      </Space>
      <Form.Item
        name="description"
        label={t('duties.description')}
        rules={[{ required: true, whitespace: true }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={2000}
          placeholder={t('duties.description.placeholder')}
          aria-label={t('duties.description')}
        />
      </Form.Item>
      <Form.Item name="evidenceIds" label={t('duties.evidence')}>
        <EvidenceField />
      </Form.Item>
      <Space>
        <Button
          type="primary"
          loading={busy}
          onClick={() => void save()}
          data-testid="save-occurrence"
        >
          {t('duties.save')}
        </Button>
        <Button onClick={onCancel}>{t('obligations.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** A liaison's 履职记录: what the department must do period by period, and what it has recorded. */
export default function DutiesPage({ departmentId }: { departmentId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { planId, error: planError } = usePlan();
  const duties = useOperation(
    obligationsApi.ofDepartment,
    planId ? { params: { id: planId, departmentId } } : null,
  );
  const view = duties.data;
  const [recording, setRecording] = useState<string | null>(null);
  const invalidate = useInvalidate();
  // A record or a deletion changes this list, the office's compliance view and the to-do list.
  const load = () =>
    invalidate(obligationsApi.ofDepartment, obligationsApi.compliance, todoApi.mine);

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (!view || !planId) return <QueryView query={duties}>{() => null}</QueryView>;

  const dueNow = view.obligations.filter(
    (entry) => entry.current && entry.current.status !== 'met',
  ).length;
  const late = view.obligations.reduce(
    (sum, entry) => sum + entry.periods.filter((period) => period.status === 'late').length,
    0,
  );
  const next =
    view.obligations.length === 0
      ? t('duties.next.none')
      : dueNow > 0
        ? t('duties.next.due', { count: dueNow })
        : late > 0
          ? t('duties.next.late', { count: late })
          : t('duties.next.ok');

  return (
    <Card title={t('duties.title', { department: view.department.name })}>
      <Typography.Paragraph type="secondary">{t('duties.intro')}</Typography.Paragraph>
      <Alert
        type={late > 0 && dueNow === 0 ? 'warning' : 'info'}
        showIcon
        message={next}
        data-testid="next-step"
        style={{ marginBottom: 16 }}
      />
      {view.obligations.length === 0 && <Empty description={t('duties.next.none')} />}
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        {view.obligations.map((entry) => (
          <Card
            key={entry.obligation.id}
            size="small"
            type="inner"
            data-testid="duty"
            data-item-no={entry.obligation.item.no}
            title={
              <Space wrap>
                <strong>{entry.obligation.item.no}</strong>
                <span>{describeObligation(entry.obligation, t)}</span>
                {entry.shared && <Tag>{t('duties.shared')}</Tag>}
              </Space>
            }
            extra={
              recording !== entry.obligation.id && (
                <Button
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setRecording(entry.obligation.id)}
                  data-testid="record-occurrence"
                >
                  {t('duties.record')}
                </Button>
              )
            }
          >
            <Typography.Paragraph
              type="secondary"
              ellipsis={{ rows: 2, expandable: true }}
              style={{ marginBottom: 8 }}
            >
              {entry.obligation.item.content}
            </Typography.Paragraph>
            <div style={{ marginBottom: 8 }}>
              {entry.current ? (
                <Space wrap>
                  <Typography.Text strong>
                    {t('duties.current', {
                      label: entry.current.label,
                      endsOn: entry.current.endsOn,
                    })}
                  </Typography.Text>
                  <PeriodTag period={entry.current} />
                </Space>
              ) : (
                <Typography.Text type="secondary">
                  {view.today > view.cycle.endsOn
                    ? t('duties.cycleEnded', { endsOn: view.cycle.endsOn })
                    : t('duties.noCurrent')}
                </Typography.Text>
              )}
            </div>
            <div style={{ marginBottom: 8 }}>
              <Typography.Text type="secondary" style={{ marginRight: 8 }}>
                {t('duties.periods')}
              </Typography.Text>
              {entry.periods.map((period) => (
                <PeriodTag key={period.label} period={period} />
              ))}
            </div>
            {recording === entry.obligation.id && (
              <Card size="small" style={{ marginBottom: 8, background: '#fafafa' }}>
                <RecordForm
                  entry={entry}
                  departmentId={view.department.id}
                  today={view.today}
                  onCancel={() => setRecording(null)}
                  onSaved={async () => {
                    setRecording(null);
                    await load();
                  }}
                />
              </Card>
            )}
            <Typography.Text strong>{t('duties.recorded')}</Typography.Text>
            <List
              size="small"
              locale={{ emptyText: t('duties.none') }}
              dataSource={[...entry.occurrences].reverse()}
              renderItem={(occurrence) => (
                <List.Item
                  data-testid="occurrence"
                  actions={
                    occurrence.department.id === view.department.id
                      ? [
                          <Popconfirm
                            key="delete"
                            title={t('duties.deleteConfirm')}
                            onConfirm={async () => {
                              try {
                                await call(obligationsApi.occurrencesDelete, {
                                  params: { id: planId, occurrenceId: occurrence.id },
                                });
                                message.success(t('duties.deleted'));
                              } catch (caught) {
                                message.error(errorText(caught, t('error.network')));
                              }
                              await load();
                            }}
                          >
                            <Button type="text" size="small" danger icon={<DeleteOutlined />}>
                              {t('duties.delete')}
                            </Button>
                          </Popconfirm>,
                        ]
                      : []
                  }
                >
                  <List.Item.Meta
                    title={
                      <Space wrap>
                        <span>{occurrence.occurredOn}</span>
                        {occurrence.achieved !== null && (
                          <Tag>
                            {occurrence.achieved}/{occurrence.outOf}
                          </Tag>
                        )}
                        {entry.shared && <Tag bordered={false}>{occurrence.department.name}</Tag>}
                      </Space>
                    }
                    description={
                      <>
                        <div>{occurrence.description}</div>
                        <EvidenceList items={occurrence.evidence} />
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('duties.by', {
                            name: occurrence.recordedByName,
                            at: formatTime(occurrence.recordedAt),
                          })}
                        </Typography.Text>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        ))}
      </Space>
    </Card>
  );
}
