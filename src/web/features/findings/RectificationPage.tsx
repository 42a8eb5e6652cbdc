import { CheckOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Empty,
  Input,
  List,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { departmentsApi } from '../../../shared/api/departments';
import { type FindingDetail, findingsApi } from '../../../shared/api/findings';
import { ApiError, call } from '../../api/client';
import { keyOf, useInvalidate, useOperation } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { useI18n } from '../../i18n';
import { usePlan } from '../../usePlan';
import { useServerAction } from '../../useServerAction';
import { FindingStateTag } from './FindingsPage';
import { formatTime } from '../../time';

function FindingCard({
  planId,
  findingId,
  onChanged,
}: {
  planId: string;
  findingId: string;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const input = { params: { id: planId, findingId } };
  const detail = useOperation(findingsApi.get, input);
  const finding = detail.data ?? null;
  const [text, setText] = useState('');
  const [evidenceIds, setEvidenceIds] = useState<string[]>([]);
  const { busy, run: runAction } = useServerAction();
  if (!finding) return <Card loading />;

  async function run(write: () => Promise<FindingDetail>, done: string) {
    const succeeded = await runAction(async () => {
      client.setQueryData(keyOf(findingsApi.get, input), await write());
      setText('');
      setEvidenceIds([]);
      onChanged();
      return done;
    });
    // Refused: show the finding as it now is.
    if (!succeeded) await detail.refetch();
  }

  const mayRecord = finding.transitions.includes('record_action');
  const mayRequest = finding.transitions.includes('request_verification');
  return (
    <Card
      size="small"
      data-testid="rectification-finding"
      title={
        <Space wrap>
          <span>
            {finding.no}. {finding.title}
          </span>
          <Tag>{t(`finding.kind.${finding.kind}`)}</Tag>
          <FindingStateTag state={finding.state} overdue={finding.overdue} />
        </Space>
      }
      extra={
        <Typography.Text type={finding.overdue ? 'danger' : 'secondary'}>
          {t('finding.dueOn')}
          {t('punct.colon')}
          {finding.dueOn}
        </Typography.Text>
      }
    >
      {finding.description && (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
          {finding.description}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('finding.items')}
        {t('punct.colon')}
        {finding.items.map((item) => item.no).join(t('punct.enum'))} · {t('finding.owner')}
        {t('punct.colon')}
        {finding.ownerDepartment.name}
      </Typography.Paragraph>
      {finding.origin && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          message={t('finding.origin', { year: finding.origin.cycleYear, no: finding.origin.no })}
        />
      )}
      {finding.actions.length > 0 && (
        <List
          size="small"
          header={<Typography.Text strong>{t('finding.actions')}</Typography.Text>}
          dataSource={finding.actions}
          renderItem={(action) => (
            <List.Item data-testid="rectification-action">
              <div style={{ width: '100%' }}>
                <div style={{ whiteSpace: 'pre-wrap' }}>{action.text}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {action.actorName} · {formatTime(action.at)}
                </Typography.Text>
                {action.evidenceIds.length > 0 && (
                  <EvidenceField value={action.evidenceIds} disabled />
                )}
              </div>
            </List.Item>
          )}
        />
      )}
      {finding.state === 'awaiting_verification' && (
        <Alert type="success" showIcon message={t('rectification.waiting')} />
      )}
      {finding.state === 'verified' && (
        <Alert type="success" showIcon message={t('rectification.done')} />
      )}
      {!mayRecord &&
        !mayRequest &&
        (finding.state === 'open' || finding.state === 'in_progress') && (
          <Alert
            type="info"
            showIcon
            message={t('rectification.support', { owner: finding.ownerDepartment.name })}
          />
        )}
      {finding.events.at(-1)?.action === 'reopen' && finding.state === 'in_progress' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          message={`${t('finding.event.reopen')}{t('punct.colon')}${finding.events.at(-1)!.comment ?? ''}`}
        />
      )}
      {mayRecord && (
        <div style={{ marginTop: 12 }}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 8 }}
            maxLength={3000}
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={t('rectification.action.placeholder')}
            aria-label={t('rectification.action')}
          />
          <EvidenceField value={evidenceIds} onChange={setEvidenceIds} />
          <Space style={{ marginTop: 8 }} wrap>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              disabled={!text.trim()}
              loading={busy}
              data-testid="record-action"
              onClick={() =>
                void run(
                  () =>
                    call(findingsApi.recordAction, {
                      ...input,
                      body: { version: finding.version, text, evidenceIds },
                    }),
                  t('rectification.recorded'),
                )
              }
            >
              {t('rectification.record')}
            </Button>
            {mayRequest && (
              <Button
                icon={<CheckOutlined />}
                loading={busy}
                data-testid="request-verification"
                onClick={() =>
                  void run(
                    () =>
                      call(findingsApi.requestVerification, {
                        ...input,
                        body: { version: finding.version },
                      }),
                    t('rectification.requested'),
                  )
                }
              >
                {t('rectification.request')}
              </Button>
            )}
          </Space>
        </div>
      )}
      {finding.events.length > 1 && (
        <details style={{ marginTop: 12 }}>
          <summary>{t('finding.history')}</summary>
          <Timeline
            style={{ marginTop: 12 }}
            items={finding.events.map((event) => ({
              children: `${formatTime(event.at)} ${event.actorName} ${t(`finding.event.${event.action}`)}${event.comment ? `${t('punct.colon')}${event.comment}` : ''}`,
            }))}
          />
        </details>
      )}
    </Card>
  );
}

/** The owner department's findings: record rectification actions with evidence, then ask for verification. */
export default function RectificationPage({ departmentId }: { departmentId: string }) {
  const { t } = useI18n();
  const { planId, error: planError } = usePlan();
  const listQuery = useOperation(
    findingsApi.list,
    planId ? { params: { id: planId }, query: { departmentId } } : null,
  );
  const list = listQuery.data ?? null;
  const error =
    listQuery.isError && !list
      ? listQuery.error instanceof ApiError
        ? listQuery.error.message
        : t('error.network')
      : null;
  const departments = useOperation(departmentsApi.list, {});
  const departmentName =
    departments.data?.find((department) => department.id === departmentId)?.name ?? '';
  const invalidate = useInvalidate();
  const load = useCallback(() => invalidate(findingsApi.list), [invalidate]);
  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!list || !planId) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const rows = [...list.rows].sort(
    (a, b) => Number(b.transitions.length > 0) - Number(a.transitions.length > 0) || a.no - b.no,
  );
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('rectification.title', { department: departmentName })}
        </Typography.Title>
        <Alert
          type="info"
          showIcon
          data-testid="next-step"
          message={
            rows.some((row) => row.transitions.length > 0)
              ? t('rectification.next')
              : rows.some((row) => row.state === 'awaiting_verification')
                ? t('rectification.waiting')
                : t('rectification.none')
          }
        />
      </Card>
      {rows.length === 0 ? (
        <Empty description={t('rectification.none')} />
      ) : (
        rows.map((row) => (
          <FindingCard
            key={row.id}
            planId={planId}
            findingId={row.id}
            onChanged={() => void load()}
          />
        ))
      )}
    </Space>
  );
}
