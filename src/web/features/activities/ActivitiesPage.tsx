import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Flex,
  Form,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import {
  activitiesApi,
  type ActivityView,
  type SignInSheetResult,
} from '../../../shared/api/activities';
import { departmentsApi } from '../../../shared/api/departments';
import { teacherAttributes, teachersApi } from '../../../shared/api/teachers';
import type { MessageKey } from '../../../shared/i18n/messages';
import { upload } from '../../api/client';
import { useOperation, useWrite } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';
import { attributeKey } from '../teachers/RosterPage';

/** Activities a page of the list shows; the server pages them. */
const ACTIVITY_PAGE_SIZE = 20;

/** The person a sign-in sheet named, offered as a participant even when the roster read has not. */
type Person = { id: string; workNo: string; name: string };

/**
 * 活动与覆盖: activities with who took part, and how far each coverage rule reaches. A link
 * (a reminder, a coverage gap, the dashboard) names a rule (`?rule=`) and maybe a department
 * (`&departmentId=`): that rule is scrolled to and marked, and that department's row with the
 * people it still misses; ids the page does not know are ignored.
 */
export default function ActivitiesPage({
  office,
  departmentId,
}: {
  office: boolean;
  departmentId: string | null;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const canRecord = office || departmentId !== null;
  const kinds = useOperation(activitiesApi.kinds, {});
  // Paged by the server (the latest held first); a recorded activity refetches the page shown.
  const [page, setPage] = useState(1);
  const activities = useOperation(activitiesApi.list, {
    query: { page, pageSize: ACTIVITY_PAGE_SIZE },
  });
  const coverage = useOperation(activitiesApi.coverageGet, {});
  const departments = useOperation(departmentsApi.list, office ? {} : null);
  const roster = useOperation(teachersApi.list, canRecord ? {} : null);
  const createKind = useWrite(activitiesApi.createKind, { invalidates: [activitiesApi.kinds] });
  const createRule = useWrite(activitiesApi.coverageCreateRule, {
    invalidates: [activitiesApi.coverageRules, activitiesApi.coverageGet],
  });
  const record = useWrite(activitiesApi.record, {
    invalidates: [activitiesApi.list, activitiesApi.coverageGet],
  });
  const [recording, setRecording] = useState(false);
  const [sheet, setSheet] = useState<SignInSheetResult | null>(null);
  const [sheetPeople, setSheetPeople] = useState<Person[]>([]);
  const [kindName, setKindName] = useState('');
  const [ruleForm] = Form.useForm();
  const [form] = Form.useForm();
  const input = useRef<HTMLInputElement>(null);
  const kindList = kinds.data?.kinds ?? [];

  // the rule and department a link named (unknown ids mark nothing)
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    // a bell link followed while on this page changes only the query
    const update = () => setSearch(location.search);
    window.addEventListener('popstate', update);
    window.addEventListener('luoshi:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('luoshi:navigate', update);
    };
  }, []);
  const linkedRule = new URLSearchParams(search).get('rule');
  const linkedDepartment = new URLSearchParams(search).get('departmentId');
  const linked = coverage.data?.rules.find((rule) => rule.id === linkedRule);
  const linkedRow = linked?.departments.find((row) => row.departmentId === linkedDepartment);
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (!linked || scrolledTo.current === linked.id) return;
    scrolledTo.current = linked.id;
    document.getElementById(`coverage-rule-${linked.id}`)?.scrollIntoView({ block: 'start' });
  }, [linked]);

  const people: Person[] = [
    ...(roster.data?.teachers ?? []),
    ...sheetPeople.filter((p) => !roster.data?.teachers.some((k) => k.id === p.id)),
  ];

  const readSheet = async (file: File) => {
    await run(async () => {
      const result = await upload(activitiesApi.readSignInSheet, file);
      setSheet(result);
      const current: string[] = form.getFieldValue('participantIds') ?? [];
      form.setFieldValue('participantIds', [
        ...new Set([...current, ...result.matched.map((m) => m.id)]),
      ]);
      setSheetPeople((known) => [
        ...known,
        ...result.matched
          .filter((m) => !known.some((k) => k.id === m.id))
          .map((m) => ({ id: m.id, workNo: m.workNo, name: m.name })),
      ]);
      return t('activities.sheetRead', {
        matched: result.matched.length,
        unmatched: result.unmatched.length,
      });
    });
  };

  return (
    <div className="page" data-testid="activities-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('activities.title')}
        </Typography.Title>
        {canRecord && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setRecording(true)}
            data-testid="record-activity"
          >
            {t('activities.record')}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">{t('activities.intro')}</Typography.Paragraph>

      {coverage.isError && coverage.data === undefined && (
        <div style={{ marginBottom: 12 }}>
          <LoadError error={coverage.error} onRetry={() => void coverage.refetch()} />
        </div>
      )}
      {coverage.data?.rules.map((rule) => (
        <Card
          key={rule.id}
          id={`coverage-rule-${rule.id}`}
          size="small"
          style={{
            marginBottom: 12,
            scrollMarginTop: 72,
            ...(rule === linked
              ? { borderColor: '#1677ff', boxShadow: '0 0 0 2px rgba(22, 119, 255, 0.35)' }
              : {}),
          }}
          data-testid="coverage-rule"
          data-linked={rule === linked ? 'true' : undefined}
          title={
            <Space wrap>
              {rule === linked && (
                <Tag color="blue" data-testid="coverage-rule-linked">
                  {t('activities.linked')}
                </Tag>
              )}
              {rule.name}
              {rule.itemNo && <Tag>第{rule.itemNo}项</Tag>}
              <Typography.Text type="secondary">
                {rule.window.from} ~ {rule.window.to}
              </Typography.Text>
            </Space>
          }
          extra={
            <Typography.Text strong data-testid="coverage-rate">
              {rule.institution.rate ?? '—'}%（{rule.institution.covered}/
              {rule.institution.required}）
            </Typography.Text>
          }
        >
          {rule === linked && linkedRow && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 8 }}
              data-testid="linked-missing"
              title={
                linkedRow.missing === null
                  ? `${linkedRow.name}：${t('activities.missingHidden')}`
                  : t('activities.linkedMissing', {
                      department: linkedRow.name,
                      names: linkedRow.missing.map((p) => p.name).join('、') || '—',
                    })
              }
            />
          )}
          <Table
            size="small"
            rowKey={(row) => row.departmentId ?? 'none'}
            pagination={false}
            scroll={{ x: 560 }}
            dataSource={rule.departments}
            onRow={(row) =>
              rule === linked && row === linkedRow
                ? { style: { background: '#fffbe6' }, 'data-testid': 'linked-department' }
                : {}
            }
            columns={[
              { title: t('teachers.field.departmentId'), dataIndex: 'name', width: 180 },
              {
                title: t('activities.coverage'),
                width: 220,
                render: (_, row) => (
                  <Space style={{ whiteSpace: 'nowrap' }}>
                    <Progress
                      percent={row.rate ?? 0}
                      size="small"
                      style={{ width: 100 }}
                      showInfo={false}
                    />
                    {`${row.rate ?? '—'}%（${row.covered}/${row.required}）`}
                  </Space>
                ),
              },
              {
                title: t('activities.missing'),
                render: (_, row) =>
                  row.missing === null ? (
                    <Typography.Text type="secondary">
                      {t('activities.missingHidden')}
                    </Typography.Text>
                  ) : (
                    <span data-testid="missing-people">
                      {row.missing.map((p) => p.name).join('、') || '—'}
                    </span>
                  ),
              },
            ]}
          />
        </Card>
      ))}

      <Card size="small" title={t('activities.list')} style={{ marginBottom: 12 }}>
        {activities.isError && activities.data === undefined && (
          <LoadError error={activities.error} onRetry={() => void activities.refetch()} />
        )}
        <Table<ActivityView>
          size="small"
          rowKey="id"
          loading={activities.isPending}
          dataSource={activities.data?.activities ?? []}
          pagination={{
            current: page,
            pageSize: ACTIVITY_PAGE_SIZE,
            total: activities.data?.total ?? 0,
            hideOnSinglePage: true,
            showSizeChanger: false,
            onChange: setPage,
            showTotal: (total) => t('activities.total', { total }),
          }}
          scroll={{ x: 700 }}
          columns={[
            { title: t('activities.field.heldOn'), dataIndex: 'heldOn', width: 110 },
            {
              title: t('activities.field.kind'),
              render: (_, row) => <Tag>{row.kind.name}</Tag>,
              width: 110,
            },
            { title: t('activities.field.title'), dataIndex: 'title' },
            { title: t('teachers.field.departmentId'), render: (_, row) => row.department.name },
            {
              title: t('activities.field.participants'),
              render: (_, row) => row.participants.length,
              width: 90,
            },
            {
              title: t('activities.field.evidence'),
              render: (_, row) => row.evidence.length,
              width: 80,
            },
          ]}
        />
      </Card>

      {office && (
        <Card size="small" title={t('activities.settings')}>
          {kinds.isError && kinds.data === undefined && (
            <LoadError error={kinds.error} onRetry={() => void kinds.refetch()} />
          )}
          <Space wrap style={{ marginBottom: 12 }}>
            {kindList.map((kind) => (
              <Tag key={kind.id}>{kind.name}</Tag>
            ))}
            <Input
              placeholder={t('activities.kindName')}
              value={kindName}
              onChange={(event) => setKindName(event.target.value)}
              style={{ width: 160 }}
            />
            <Button
              loading={busy}
              disabled={!kindName.trim()}
              onClick={() =>
                void run(async () => {
                  await createKind.mutateAsync({ body: { name: kindName.trim(), itemNos: [] } });
                  setKindName('');
                  return null;
                })
              }
            >
              {t('activities.addKind')}
            </Button>
          </Space>
          <Form
            form={ruleForm}
            layout="inline"
            onFinish={(values) =>
              void run(async () => {
                await createRule.mutateAsync({
                  body: { ...values, itemNo: values.itemNo ? Number(values.itemNo) : null },
                });
                ruleForm.resetFields();
                return t('activities.ruleSaved');
              })
            }
          >
            <Form.Item name="kindId" rules={[{ required: true }]}>
              <Select
                placeholder={t('activities.field.kind')}
                style={{ width: 130 }}
                options={kindList.map((k) => ({ value: k.id, label: k.name }))}
              />
            </Form.Item>
            <Form.Item name="population" rules={[{ required: true }]}>
              <Select
                placeholder={t('activities.who')}
                style={{ width: 130 }}
                options={[
                  { value: 'all', label: t('surveys.population.all') },
                  ...teacherAttributes.map((a) => ({ value: a, label: t(attributeKey(a)) })),
                ]}
              />
            </Form.Item>
            <Form.Item name="frequency" rules={[{ required: true }]}>
              <Select
                placeholder={t('activities.howOften')}
                style={{ width: 120 }}
                options={(['yearly', 'monthly', 'contract_period'] as const).map((f) => ({
                  value: f,
                  label: t(`activities.frequency.${f}` as MessageKey),
                }))}
              />
            </Form.Item>
            <Form.Item name="name" rules={[{ required: true }]}>
              <Input placeholder={t('activities.ruleName')} style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="itemNo">
              <Input placeholder={t('activities.itemNo')} style={{ width: 90 }} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>
              {t('activities.addRule')}
            </Button>
          </Form>
        </Card>
      )}

      <Modal
        open={recording}
        width={640}
        title={t('activities.record')}
        okText={t('activities.save')}
        okButtonProps={{ loading: busy }}
        onCancel={() => setRecording(false)}
        onOk={() => form.submit()}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            departmentId: departmentId ?? undefined,
            participantIds: [],
            evidenceIds: [],
          }}
          onFinish={(values) =>
            void run(async () => {
              await record.mutateAsync({
                body: {
                  ...values,
                  heldOn: values.heldOn.format('YYYY-MM-DD'),
                  note: values.note ?? '',
                },
              });
              setRecording(false);
              setSheet(null);
              form.resetFields();
              return t('activities.saved');
            })
          }
        >
          <Form.Item name="kindId" label={t('activities.field.kind')} rules={[{ required: true }]}>
            <Select
              options={kindList.map((k) => ({ value: k.id, label: k.name }))}
              data-testid="activity-kind"
            />
          </Form.Item>
          {office && (
            <Form.Item
              name="departmentId"
              label={t('teachers.field.departmentId')}
              rules={[{ required: true }]}
            >
              <Select
                options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                showSearch
                optionFilterProp="label"
                data-testid="activity-department"
              />
            </Form.Item>
          )}
          <Form.Item name="title" label={t('activities.field.title')} rules={[{ required: true }]}>
            <Input data-testid="activity-title" />
          </Form.Item>
          <Form.Item
            name="heldOn"
            label={t('activities.field.heldOn')}
            rules={[{ required: true }]}
          >
            <DatePicker data-testid="activity-date" />
          </Form.Item>
          <Form.Item label={t('activities.field.participants')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <input
                ref={input}
                type="file"
                accept=".xlsx"
                style={{ display: 'none' }}
                data-testid="sign-in-file"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  event.target.value = '';
                  if (file) void readSheet(file);
                }}
              />
              <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>
                {t('activities.uploadSheet')}
              </Button>
              {sheet && sheet.unmatched.length > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  message={t('activities.unmatched', {
                    names: sheet.unmatched.map((row) => row.text).join('、'),
                  })}
                />
              )}
              {roster.isError && (
                <LoadError error={roster.error} onRetry={() => void roster.refetch()} />
              )}
              <Form.Item name="participantIds" noStyle>
                <Select
                  mode="multiple"
                  showSearch
                  optionFilterProp="label"
                  data-testid="activity-participants"
                  options={people.map((teacher) => ({
                    value: teacher.id,
                    label: `${teacher.name}（${teacher.workNo}）`,
                  }))}
                />
              </Form.Item>
            </Space>
          </Form.Item>
          <Form.Item name="evidenceIds" label={t('activities.field.evidence')}>
            <EvidenceField />
          </Form.Item>
          <Form.Item name="note" label={t('activities.field.note')}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
