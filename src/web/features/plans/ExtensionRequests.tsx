import { Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { extensionsApi } from '../../../shared/api/extensions';
import type { ExtensionView } from '../../../shared/api/plans';
import { formatDateTime } from '../../../shared/time-format';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import type { PlanDetail } from '../../api/types';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';

const STATUS_COLORS: Record<ExtensionView['status'], string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
  withdrawn: 'default',
};

/** A department asks for a later deadline of one of its measures or of a deliverable. */
function RequestDialog({
  plan,
  departmentId,
  onClose,
}: {
  plan: PlanDetail;
  departmentId: string;
  onClose(changed: boolean): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const targetsQuery = useOperation(extensionsApi.targets, {
    params: { id: plan.id },
    query: { departmentId },
  });
  // Unreadable targets leave nothing to choose (the dialog still closes).
  const targets =
    targetsQuery.data ?? (targetsQuery.isError ? { measures: [], deliverables: [] } : null);
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const [requestedDueOn, setRequestedDueOn] = useState('');
  const [reason, setReason] = useState('');
  const options = targets
    ? [
        {
          label: t('extension.deliverables'),
          options: targets.deliverables.map((deliverable) => ({
            value: `deliverable:${deliverable.id}`,
            label: `${deliverable.title} (${deliverable.dueOn})`,
            dueOn: deliverable.dueOn,
          })),
        },
        {
          label: t('extension.measures'),
          options: targets.measures.map((measure) => ({
            value: `measure:${measure.id}`,
            label: `${measure.itemNo}. ${measure.text} (${measure.dueOn})`,
            dueOn: measure.dueOn,
          })),
        },
      ]
    : [];
  const chosen = options.flatMap((group) => group.options).find((entry) => entry.value === choice);
  const tooEarly = chosen !== undefined && requestedDueOn !== '' && requestedDueOn <= chosen.dueOn;
  const ready = chosen !== undefined && requestedDueOn !== '' && !tooEarly && reason.trim() !== '';
  return (
    <Modal
      open
      title={t('extension.request')}
      okText={t('extension.send')}
      okButtonProps={{ disabled: !ready, loading: busy, id: 'extension-send' }}
      onCancel={() => onClose(false)}
      onOk={() =>
        run(async () => {
          const [target, id] = choice!.split(':') as ['measure' | 'deliverable', string];
          await call(extensionsApi.create, {
            params: { id: plan.id },
            body: {
              target,
              ...(target === 'measure' ? { measureId: id } : { deliverableId: id }),
              departmentId,
              requestedDueOn,
              reason,
            },
          });
          onClose(true);
          return t('extension.sent');
        })
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('extension.what')} required>
          <Select
            aria-label={t('extension.what')}
            loading={targets === null}
            options={options}
            value={choice}
            onChange={setChoice}
            showSearch
            optionFilterProp="label"
            data-testid="extension-target"
          />
        </Form.Item>
        {chosen && (
          <Typography.Paragraph type="secondary">
            {t('extension.current', { date: chosen.dueOn })}
          </Typography.Paragraph>
        )}
        <Form.Item
          label={t('extension.newDate')}
          required
          validateStatus={tooEarly ? 'error' : undefined}
          help={tooEarly ? t('extension.mustBeLater') : undefined}
        >
          <Input
            type="date"
            aria-label={t('extension.newDate')}
            value={requestedDueOn}
            onChange={(event) => setRequestedDueOn(event.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('extension.reason')} required>
          <Input.TextArea
            aria-label={t('extension.reason')}
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DecideDialog({
  planId,
  request,
  decision,
  onClose,
}: {
  planId: string;
  request: ExtensionView;
  decision: 'approve' | 'refuse';
  onClose(changed: boolean): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const [comment, setComment] = useState('');
  return (
    <Modal
      open
      title={decision === 'approve' ? t('extension.approve') : t('extension.refuse')}
      okText={decision === 'approve' ? t('extension.approve') : t('extension.refuse')}
      okButtonProps={{ danger: decision === 'refuse', loading: busy }}
      onCancel={() => onClose(false)}
      onOk={() =>
        run(async () => {
          await call(extensionsApi.decide, {
            params: { id: planId, requestId: request.id },
            body: { decision, comment, version: request.version },
          });
          onClose(true);
          return t(decision === 'approve' ? 'extension.approved' : 'extension.refused');
        })
      }
    >
      <Typography.Paragraph>
        {request.department.name} · {request.subject}
        <br />
        {request.currentDueOn} → <strong>{request.requestedDueOn}</strong>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{request.reason}</Typography.Paragraph>
      <Input.TextArea
        rows={2}
        placeholder={t('extension.comment')}
        aria-label={t('extension.comment')}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
      />
    </Modal>
  );
}

/**
 * 延期申请: a liaison's own requests and the button to make one (`departmentId`), or the office's
 * list of every department's requests, pending first, with approve / refuse (`canDecide`).
 */
export function ExtensionRequests({
  plan,
  departmentId,
  canDecide,
  onDecided,
}: {
  plan: PlanDetail;
  departmentId: string | null;
  canDecide: boolean;
  onDecided?(): void;
}) {
  const { t } = useI18n();
  const list = useOperation(extensionsApi.list, { params: { id: plan.id } });
  const requests = list.data
    ? [...list.data].sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'))
    : null;
  const invalidate = useInvalidate();
  const load = () => void invalidate(extensionsApi.list, extensionsApi.targets);
  const [asking, setAsking] = useState(false);
  const [deciding, setDeciding] = useState<{
    request: ExtensionView;
    decision: 'approve' | 'refuse';
  } | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">
        {canDecide ? t('extension.hint.office') : t('extension.hint.department')}
      </Typography.Text>
      {departmentId && (
        <Button type="primary" onClick={() => setAsking(true)} data-testid="extension-request">
          {t('extension.request')}
        </Button>
      )}
      {list.isError && <LoadError error={list.error} onRetry={() => void list.refetch()} />}
      <Table
        size="small"
        rowKey="id"
        loading={requests === null && !list.isError}
        dataSource={requests ?? []}
        locale={{ emptyText: t('extension.none') }}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        scroll={{ x: 720 }}
        data-testid="extension-list"
        columns={[
          ...(canDecide
            ? [
                {
                  title: t('extension.department'),
                  width: 140,
                  render: (_: unknown, request: ExtensionView) => request.department.name,
                },
              ]
            : []),
          { title: t('extension.what'), dataIndex: 'subject' },
          {
            title: t('extension.dates'),
            width: 200,
            render: (_: unknown, request: ExtensionView) =>
              `${request.currentDueOn} → ${request.requestedDueOn}`,
          },
          { title: t('extension.reason'), dataIndex: 'reason', width: 200 },
          {
            title: t('extension.status'),
            width: 200,
            render: (_: unknown, request: ExtensionView) => (
              <>
                <Tag color={STATUS_COLORS[request.status]}>
                  {t(`extension.status.${request.status}`)}
                </Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(request.decidedAt ?? request.requestedAt)}
                </Typography.Text>
                {request.decisionComment && <div>{request.decisionComment}</div>}
              </>
            ),
          },
          ...(canDecide
            ? [
                {
                  title: t('planEdit.item.actions'),
                  width: 150,
                  render: (_: unknown, request: ExtensionView) =>
                    request.status === 'pending' ? (
                      <Space size={4}>
                        <Button
                          size="small"
                          type="primary"
                          onClick={() => setDeciding({ request, decision: 'approve' })}
                          data-testid="extension-approve"
                        >
                          {t('extension.approve')}
                        </Button>
                        <Button
                          size="small"
                          danger
                          onClick={() => setDeciding({ request, decision: 'refuse' })}
                        >
                          {t('extension.refuse')}
                        </Button>
                      </Space>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {asking && departmentId && (
        <RequestDialog
          plan={plan}
          departmentId={departmentId}
          onClose={(changed) => {
            setAsking(false);
            if (changed) load();
          }}
        />
      )}
      {deciding && (
        <DecideDialog
          planId={plan.id}
          request={deciding.request}
          decision={deciding.decision}
          onClose={(changed) => {
            setDeciding(null);
            if (changed) {
              load();
              onDecided?.();
            }
          }}
        />
      )}
    </Space>
  );
}
