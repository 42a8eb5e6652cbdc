import { UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import {
  teacherAttributes,
  teachersApi,
  type RosterPreview,
  type RosterSettings,
  type TeacherAttribute,
  type TeacherSummary,
} from '../../../shared/api/teachers';
import { departmentsApi } from '../../../shared/api/departments';
import type { MessageKey } from '../../../shared/i18n/messages';
import { upload } from '../../api/client';
import { useInvalidate, useOperation, useWrite } from '../../api/query';
import { LoadError, QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';

export const attributeKey = (attribute: TeacherAttribute) =>
  `teachers.attribute.${attribute}` as MessageKey;

/** 教师名册: the office imports the HR export (preview, then apply) and reads the roster. */
export default function RosterPage({ canImport }: { canImport: boolean }) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [attribute, setAttribute] = useState<TeacherAttribute | undefined>();
  const [q, setQ] = useState('');
  const [inactive, setInactive] = useState(false);
  const [preview, setPreview] = useState<{ file: File; result: RosterPreview } | null>(null);
  const [recordId, setRecordId] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const invalidate = useInvalidate();

  const list = useOperation(
    teachersApi.list,
    {
      query: {
        ...(departmentId ? { departmentId } : {}),
        ...(attribute ? { attribute } : {}),
        ...(q.trim() ? { q: q.trim() } : {}),
        ...(inactive ? { includeInactive: 'true' as const } : {}),
      },
    },
    { keepPrevious: true },
  );
  const counts = list.data?.counts ?? { active: 0, inactive: 0 };
  const departments = useOperation(departmentsApi.list, {});
  const settings = useOperation(teachersApi.rosterSettings, {});
  const record = useOperation(teachersApi.get, recordId ? { params: { id: recordId } } : null);
  const saveSettings = useWrite(teachersApi.rosterUpdateSettings, {
    invalidates: [teachersApi.rosterSettings, teachersApi.list],
  });

  const pick = async (file: File) => {
    await run(async () => {
      setPreview({
        file,
        result: await upload(teachersApi.import, file, { query: { dryRun: 'true' } }),
      });
      return null;
    });
  };
  const apply = async () => {
    if (!preview) return;
    const ok = await run(async () => {
      const result = await upload(teachersApi.import, preview.file, {
        query: { basedOn: preview.result.token },
      });
      return t('teachers.import.done', {
        created: result.counts.created,
        updated: result.counts.updated,
        deactivated: result.counts.deactivated,
      });
    });
    if (ok) {
      setPreview(null);
      await invalidate(teachersApi.list);
    }
  };

  const fieldLabel = (field: string) => t(`teachers.field.${field}` as MessageKey);
  const value = (v: string | boolean | null) =>
    v === null ? '—' : v === true ? t('teachers.yes') : v === false ? t('teachers.no') : v;

  return (
    <div className="page" data-testid="roster-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('teachers.title')}
        </Typography.Title>
        {canImport && (
          <>
            <input
              ref={input}
              type="file"
              accept=".xlsx"
              hidden
              data-testid="roster-file"
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) void pick(file);
              }}
            />
            <Button
              type="primary"
              icon={<UploadOutlined />}
              loading={busy}
              onClick={() => input.current?.click()}
            >
              {t('teachers.import')}
            </Button>
          </>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">{t('teachers.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('teachers.filter.department')}
          style={{ width: 200 }}
          value={departmentId}
          onChange={setDepartmentId}
          options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
        />
        <Select
          allowClear
          placeholder={t('teachers.filter.attribute')}
          style={{ width: 160 }}
          value={attribute}
          onChange={setAttribute}
          options={teacherAttributes.map((a) => ({ value: a, label: t(attributeKey(a)) }))}
        />
        <Input.Search
          placeholder={t('teachers.filter.search')}
          allowClear
          onSearch={setQ}
          style={{ width: 200 }}
        />
        <Space>
          <Switch checked={inactive} onChange={setInactive} />
          {t('teachers.filter.inactive')}
        </Space>
        <Typography.Text type="secondary" data-testid="roster-counts">
          {t('teachers.counts', counts)}
        </Typography.Text>
      </Space>
      {list.isError && (
        <div style={{ marginBottom: 12 }}>
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        </div>
      )}
      <Table<TeacherSummary>
        rowKey="id"
        size="small"
        loading={list.isFetching && list.data === undefined}
        dataSource={list.data?.teachers ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        columns={[
          { title: t('teachers.field.workNo'), dataIndex: 'workNo', width: 100 },
          {
            title: t('teachers.field.name'),
            dataIndex: 'name',
            render: (name: string, row) => (
              <Button type="link" size="small" onClick={() => setRecordId(row.id)}>
                {name}
              </Button>
            ),
          },
          {
            title: t('teachers.field.departmentId'),
            render: (_, row) =>
              row.department?.name ?? (
                <Typography.Text type="warning">{row.departmentName ?? '—'}</Typography.Text>
              ),
          },
          {
            title: t('teachers.attributes'),
            render: (_, row) => (
              <Space size={4} wrap>
                {row.young && <Tag color="green">{t('teachers.attribute.young')}</Tag>}
                {row.partyMember && <Tag color="red">{t('teachers.attribute.party_member')}</Tag>}
                {row.returnedOverseas && (
                  <Tag color="blue">{t('teachers.attribute.returned_overseas')}</Tag>
                )}
                {row.nonPartyRepresentative && (
                  <Tag color="purple">{t('teachers.attribute.non_party_representative')}</Tag>
                )}
                {row.staffKind && row.staffKind !== 'other' && (
                  <Tag>{t(attributeKey(row.staffKind))}</Tag>
                )}
                {!row.active && <Tag color="default">{t('teachers.inactive')}</Tag>}
              </Space>
            ),
          },
          { title: t('teachers.field.title'), dataIndex: 'title' },
          { title: t('teachers.field.phone'), dataIndex: 'phone' },
        ]}
      />
      {canImport && settings.isError && (
        <div style={{ marginTop: 16 }}>
          <LoadError error={settings.error} onRetry={() => void settings.refetch()} />
        </div>
      )}
      {canImport && settings.data && (
        <Card size="small" title={t('teachers.settings')} style={{ marginTop: 16 }}>
          <Form
            layout="inline"
            initialValues={settings.data}
            onFinish={(values: RosterSettings) =>
              void run(async () => {
                await saveSettings.mutateAsync({ body: values });
                return t('teachers.settings.saved');
              })
            }
          >
            <Form.Item name="youngAgeLimit" label={t('teachers.settings.youngAgeLimit')}>
              <InputNumber min={18} max={70} />
            </Form.Item>
            <Form.Item name="resultThreshold" label={t('teachers.settings.resultThreshold')}>
              <InputNumber min={3} max={100} />
            </Form.Item>
            <Form.Item name="contractYears" label={t('teachers.settings.contractYears')}>
              <InputNumber min={1} max={10} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>
              {t('teachers.settings.save')}
            </Button>
          </Form>
        </Card>
      )}
      <Modal
        open={preview !== null}
        width={760}
        title={t('teachers.preview.title')}
        okText={t('teachers.preview.apply')}
        onOk={() => void apply()}
        okButtonProps={{
          loading: busy,
          disabled: preview?.result.problems.some((p) => p.severity === 'error'),
          'data-testid': 'roster-apply',
        }}
        onCancel={() => setPreview(null)}
      >
        {preview && (
          <div data-testid="roster-preview">
            <Alert
              type="info"
              showIcon
              message={t('teachers.preview.summary', preview.result.counts)}
            />
            {preview.result.problems.length > 0 && (
              <Alert
                style={{ marginTop: 8 }}
                type={
                  preview.result.problems.some((p) => p.severity === 'error') ? 'error' : 'warning'
                }
                message={
                  <ul style={{ margin: 0, paddingLeft: 16 }}>
                    {preview.result.problems.slice(0, 30).map((p) => (
                      <li key={`${p.row}-${p.code}`}>{p.message}</li>
                    ))}
                  </ul>
                }
              />
            )}
            {preview.result.updated.length > 0 && (
              <>
                <Typography.Title level={5}>{t('teachers.preview.updated')}</Typography.Title>
                <ul>
                  {preview.result.updated.slice(0, 50).map((row) => (
                    <li key={row.workNo}>
                      {row.workNo} {row.name}
                      {row.reactivated && ` (${t('teachers.preview.reactivated')})`}:{' '}
                      {row.changes
                        .map(
                          (change) =>
                            `${fieldLabel(change.field)} ${value(change.before)} → ${value(change.after)}`,
                        )
                        .join('；')}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {preview.result.deactivated.length > 0 && (
              <>
                <Typography.Title level={5}>{t('teachers.preview.deactivated')}</Typography.Title>
                <Typography.Paragraph>
                  {preview.result.deactivated.map((row) => `${row.workNo} ${row.name}`).join('、')}
                </Typography.Paragraph>
              </>
            )}
            {preview.result.created.length > 0 && (
              <Typography.Paragraph type="secondary">
                {t('teachers.preview.created')}：
                {preview.result.created
                  .slice(0, 20)
                  .map((row) => row.name)
                  .join('、')}
                {preview.result.created.length > 20 && ' …'}
              </Typography.Paragraph>
            )}
          </div>
        )}
      </Modal>
      <Drawer
        open={recordId !== null}
        onClose={() => setRecordId(null)}
        title={record.data?.name}
        width={420}
      >
        {recordId && (
          <QueryView query={record}>
            {(record) => (
              <>
                {record.full && (
                  <Alert type="warning" showIcon message={t('teachers.record.audited')} />
                )}
                <Descriptions column={1} size="small" style={{ marginTop: 12 }}>
                  <Descriptions.Item label={t('teachers.field.workNo')}>
                    {record.workNo}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('teachers.field.departmentId')}>
                    {record.department?.name ?? record.departmentName ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('teachers.field.birthDate')}>
                    {record.birthDate ?? record.ageBand ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('teachers.field.title')}>
                    {record.title ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('teachers.field.phone')}>
                    {record.phone ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('teachers.field.email')}>
                    {record.email ?? '—'}
                  </Descriptions.Item>
                </Descriptions>
              </>
            )}
          </QueryView>
        )}
      </Drawer>
    </div>
  );
}
