import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import {
  type SatisfactionView,
  satisfactionApi,
  type satisfactionBodySchema,
} from '../../../shared/api/satisfaction';
import { hrefOf, upload } from '../../api/client';
import { useInvalidate, useOperation, useWrite } from '../../api/query';
import { EvidenceField, EvidenceList } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { useServerAction } from '../../useServerAction';
import { usePlan } from '../../usePlan';
import { institutionToday } from '../../time';

/** This year in the institution's zone, not the browser's. */
const institutionYear = () => Number(institutionToday().slice(0, 4));

type ResultBody = z.input<typeof satisfactionBodySchema>;

/**
 * What the form starts from: the year and item of the figure the user came from, when any; else
 * the year of the plan being run (a result is usually entered after the year it measures).
 */
function blankResult(planYear: number | null): ResultBody {
  const year = Number(searchParam('year'));
  const item = Number(searchParam('item'));
  return {
    year: Number.isInteger(year) && year > 0 ? year : (planYear ?? institutionYear()),
    itemNo: Number.isInteger(item) && item > 0 ? item : 27,
    value: 0,
    sample: null,
    source: '',
    evidenceIds: [],
    note: '',
  };
}

function ResultForm({
  editing,
  onClose,
}: {
  /** The result being corrected, or a new one. */
  editing: SatisfactionView | 'new';
  onClose(): void;
}) {
  const { t } = useI18n();
  const { plans, planId } = usePlan();
  const planYear = plans?.find((plan) => plan.id === planId)?.cycleYear ?? null;
  const [form] = Form.useForm<ResultBody>();
  const record = useWrite(satisfactionApi.record, { invalidates: [satisfactionApi.list] });
  const update = useWrite(satisfactionApi.update, { invalidates: [satisfactionApi.list] });
  const { busy, run } = useServerAction();
  const initial: ResultBody = editing === 'new' ? blankResult(planYear) : editing;

  async function save(values: ResultBody) {
    const body = { ...values, sample: values.sample ?? null, note: values.note ?? '' };
    const saved = await run(async () => {
      if (editing === 'new') await record.mutateAsync({ body });
      else await update.mutateAsync({ params: { id: editing.id }, body });
      return t('satisfaction.saved');
    });
    if (saved) onClose();
  }

  return (
    <Modal
      open
      title={editing === 'new' ? t('satisfaction.add') : t('satisfaction.edit')}
      okText={t('satisfaction.save')}
      cancelText={t('satisfaction.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={save}>
        <Space wrap>
          <Form.Item name="year" label={t('satisfaction.year')} rules={[{ required: true }]}>
            <InputNumber min={2000} max={2100} precision={0} />
          </Form.Item>
          <Form.Item name="itemNo" label={t('satisfaction.item')} rules={[{ required: true }]}>
            <InputNumber min={1} max={999} precision={0} />
          </Form.Item>
          <Form.Item name="value" label={t('satisfaction.value')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} step={0.1} addonAfter="%" />
          </Form.Item>
          <Form.Item name="sample" label={t('satisfaction.sample')}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item
          name="source"
          label={t('satisfaction.source')}
          rules={[{ required: true, whitespace: true, message: t('satisfaction.sourceRequired') }]}
        >
          <Input maxLength={200} placeholder={t('satisfaction.sourcePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="evidenceIds"
          label={t('satisfaction.evidence')}
          extra={t('satisfaction.evidenceHint')}
        >
          <EvidenceField known={editing === 'new' ? [] : editing.evidence} />
        </Form.Item>
        <Form.Item name="note" label={t('satisfaction.note')}>
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 第三方测评结果 (items 27, 28): the office enters or imports a third party's satisfaction results
 * per year with the report as evidence; the quality report counts them like every other figure.
 */
export default function SatisfactionPage() {
  const { t } = useI18n();
  const results = useOperation(satisfactionApi.list, {});
  const remove = useWrite(satisfactionApi.delete, { invalidates: [satisfactionApi.list] });
  const invalidate = useInvalidate();
  const { busy, run } = useServerAction();
  const [editing, setEditing] = useState<SatisfactionView | 'new' | null>(null);
  const year = searchParam('year');
  const item = searchParam('item');

  return (
    <div>
      <Typography.Title level={3}>{t('satisfaction.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('satisfaction.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('satisfaction.add')}
        </Button>
        <Upload
          accept=".xlsx"
          showUploadList={false}
          customRequest={async ({ file, onSuccess, onError }) => {
            const done = await run(async () => {
              const answer = await upload(satisfactionApi.import, file as File);
              await invalidate(satisfactionApi.list);
              return t('satisfaction.imported', {
                imported: answer.imported,
                updated: answer.updated,
              });
            });
            if (done) onSuccess?.(null);
            else onError?.(new Error('refused'));
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy} data-testid="satisfaction-import">
            {t('satisfaction.import')}
          </Button>
        </Upload>
        <Button icon={<DownloadOutlined />} href={hrefOf(satisfactionApi.template)}>
          {t('satisfaction.template')}
        </Button>
      </Space>
      <QueryView query={results}>
        {({ results: rows }) => {
          const shown = rows.filter(
            (row) => (!year || String(row.year) === year) && (!item || String(row.itemNo) === item),
          );
          const unproven = rows.filter((row) => row.evidence.length === 0).length;
          return (
            <>
              {rows.length === 0 && <Alert type="info" showIcon title={t('satisfaction.none')} />}
              {unproven > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  data-testid="satisfaction-unproven"
                  title={t('satisfaction.unproven', { count: unproven })}
                  style={{ marginBottom: 12 }}
                />
              )}
              {(year || item) && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={t('satisfaction.filtered', { year: year ?? '—', item: item ?? '—' })}
                  action={
                    <Button size="small" href="/satisfaction">
                      {t('satisfaction.showAll')}
                    </Button>
                  }
                />
              )}
              {rows.length > 0 && (
                <Table
                  rowKey="id"
                  dataSource={shown}
                  scroll={{ x: 900 }}
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  data-testid="satisfaction-table"
                  columns={[
                    { title: t('satisfaction.year'), dataIndex: 'year', width: 80 },
                    { title: t('satisfaction.item'), dataIndex: 'itemNo', width: 70 },
                    {
                      title: t('satisfaction.value'),
                      dataIndex: 'value',
                      width: 100,
                      render: (value: number) => `${value}%`,
                    },
                    {
                      title: t('satisfaction.sample'),
                      dataIndex: 'sample',
                      width: 90,
                      render: (value: number | null) => value ?? '—',
                    },
                    { title: t('satisfaction.source'), dataIndex: 'source' },
                    {
                      title: t('satisfaction.evidence'),
                      key: 'evidence',
                      render: (_: unknown, row: SatisfactionView) =>
                        row.evidence.length > 0 ? (
                          <EvidenceList items={row.evidence} />
                        ) : (
                          <Tag color="orange">{t('satisfaction.noEvidence')}</Tag>
                        ),
                    },
                    {
                      title: t('satisfaction.note'),
                      dataIndex: 'note',
                      render: (value: string) => value || '—',
                    },
                    {
                      title: t('satisfaction.actions'),
                      key: 'actions',
                      width: 150,
                      render: (_: unknown, row: SatisfactionView) => (
                        <Space size={0} wrap>
                          <Button type="link" onClick={() => setEditing(row)}>
                            {t('satisfaction.edit')}
                          </Button>
                          <Popconfirm
                            title={t('satisfaction.deleteConfirm')}
                            okText={t('satisfaction.delete')}
                            cancelText={t('satisfaction.cancel')}
                            onConfirm={() =>
                              run(async () => {
                                await remove.mutateAsync({ params: { id: row.id } });
                                return t('satisfaction.deleted');
                              })
                            }
                          >
                            <Button type="link" danger>
                              {t('satisfaction.delete')}
                            </Button>
                          </Popconfirm>
                        </Space>
                      ),
                    },
                  ]}
                />
              )}
            </>
          );
        }}
      </QueryView>
      {editing && <ResultForm editing={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
