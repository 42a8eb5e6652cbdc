import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useState } from 'react';
import { plansApi } from '../../../shared/api/plans';
import { formatDateTime } from '../../../shared/time-format';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import type { PlanDetail, PlanTree } from '../../api/types';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';
import { ExtensionRequests } from './ExtensionRequests';

type Phase = PlanDetail['phases'][number];
type Deliverable = PlanDetail['deliverables'][number];
type TreeItem = PlanTree['indicators'][number]['children'][number]['items'][number];

/** A phase's dates, edited in place (date inputs: what a phone shows natively). */
function PhaseRow({ planId, phase, onSaved }: { planId: string; phase: Phase; onSaved(): void }) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const [startsOn, setStartsOn] = useState(phase.startsOn ?? '');
  const [endsOn, setEndsOn] = useState(phase.endsOn ?? '');
  const changed = startsOn !== (phase.startsOn ?? '') || endsOn !== (phase.endsOn ?? '');
  return (
    <Space wrap data-testid={`phase-${phase.kind}`} style={{ width: '100%' }}>
      <Typography.Text strong style={{ minWidth: 96, display: 'inline-block' }}>
        {phase.name}
      </Typography.Text>
      <Input
        type="date"
        aria-label={t('planEdit.startsOn', { phase: phase.name })}
        value={startsOn}
        onChange={(event) => setStartsOn(event.target.value)}
        style={{ width: 160 }}
      />
      <span aria-hidden>–</span>
      <Input
        type="date"
        aria-label={t('planEdit.endsOn', { phase: phase.name })}
        value={endsOn}
        onChange={(event) => setEndsOn(event.target.value)}
        style={{ width: 160 }}
      />
      <Button
        type="primary"
        disabled={!changed}
        loading={busy}
        onClick={() =>
          run(async () => {
            await call(plansApi.updatePhase, {
              params: { id: planId, phaseId: phase.id },
              body: { startsOn: startsOn || null, endsOn: endsOn || null },
            });
            onSaved();
            return t('planEdit.saved');
          })
        }
      >
        {t('planEdit.save')}
      </Button>
    </Space>
  );
}

function DeliverableRow({
  planId,
  deliverable,
  onSaved,
}: {
  planId: string;
  deliverable: Deliverable;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const [dueOn, setDueOn] = useState(deliverable.dueOn);
  return (
    <Space wrap data-testid={`deliverable-${deliverable.kind}`} style={{ width: '100%' }}>
      <Typography.Text style={{ minWidth: 160, display: 'inline-block' }}>
        {deliverable.title}
      </Typography.Text>
      <Input
        type="date"
        aria-label={t('planEdit.dueOn', { title: deliverable.title })}
        value={dueOn}
        onChange={(event) => setDueOn(event.target.value)}
        style={{ width: 160 }}
      />
      <Button
        type="primary"
        disabled={!dueOn || dueOn === deliverable.dueOn}
        loading={busy}
        onClick={() =>
          run(async () => {
            await call(plansApi.updateDeliverable, {
              params: { id: planId, deliverableId: deliverable.id },
              body: { dueOn },
            });
            onSaved();
            return t('planEdit.saved');
          })
        }
      >
        {t('planEdit.save')}
      </Button>
    </Space>
  );
}

/** The retire dialog: what depends on the item first, then the reason. */
function RetireDialog({
  planId,
  item,
  onClose,
}: {
  planId: string;
  item: TreeItem;
  onClose(changed: boolean): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const dependents =
    useOperation(plansApi.itemDependents, { params: { id: planId, itemId: item.id } }).data ?? null;
  const [reason, setReason] = useState('');
  return (
    <Modal
      open
      title={t('planEdit.retire.title', { no: item.no })}
      okText={t('planEdit.retire.confirm')}
      okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }}
      onCancel={() => onClose(false)}
      onOk={() =>
        run(async () => {
          await call(plansApi.retireItem, {
            params: { id: planId, itemId: item.id },
            body: { reason },
          });
          onClose(true);
          return t('planEdit.retire.done', { no: item.no });
        })
      }
    >
      <Typography.Paragraph>{item.content}</Typography.Paragraph>
      {dependents && (
        <div data-testid="item-dependents">
          <Alert
            type={dependents.measures.length + dependents.findings.length > 0 ? 'warning' : 'info'}
            showIcon
            message={t('planEdit.retire.dependents', {
              assignments: dependents.assignments.length,
              measures: dependents.measures.length,
              reports: dependents.progressReports,
              findings: dependents.findings.length,
              obligations: dependents.obligations,
            })}
            description={t('planEdit.retire.keeps')}
            style={{ marginBottom: 12 }}
          />
          {dependents.assignments.length > 0 && (
            <Typography.Paragraph>
              {t('planEdit.retire.departments')}{' '}
              {dependents.assignments.map((entry) => (
                <Tag key={entry.name}>{entry.name}</Tag>
              ))}
            </Typography.Paragraph>
          )}
          {dependents.measures.length > 0 && (
            <List
              size="small"
              header={t('planEdit.retire.measures')}
              dataSource={dependents.measures}
              renderItem={(measure) => (
                <List.Item>
                  <Typography.Text type="secondary">{measure.departmentName}</Typography.Text>
                  &nbsp;{measure.text}
                </List.Item>
              )}
            />
          )}
          {dependents.findings.length > 0 && (
            <List
              size="small"
              header={t('planEdit.retire.findings')}
              dataSource={dependents.findings}
              renderItem={(finding) => (
                <List.Item>
                  {finding.no}. {finding.title}
                </List.Item>
              )}
            />
          )}
        </div>
      )}
      <Form layout="vertical" style={{ marginTop: 12 }}>
        <Form.Item label={t('planEdit.retire.reason')} required>
          <Input.TextArea
            rows={2}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ItemDialog({
  planId,
  tree,
  item,
  onClose,
}: {
  planId: string;
  tree: PlanTree;
  item: TreeItem | null;
  onClose(changed: boolean): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const level2s = tree.indicators.flatMap((level1) =>
    level1.children.map((level2) => ({
      value: level2.id,
      label: `${level1.code}.${level2.code} ${level2.title}`,
    })),
  );
  const [indicatorId, setIndicatorId] = useState<string | undefined>(undefined);
  const [content, setContent] = useState(item?.content ?? '');
  const [focus, setFocus] = useState(item?.focus ?? '');
  const ready = content.trim() !== '' && (item !== null || indicatorId !== undefined);
  return (
    <Modal
      open
      title={item ? t('planEdit.item.editTitle', { no: item.no }) : t('planEdit.item.addTitle')}
      okText={t('planEdit.save')}
      okButtonProps={{ disabled: !ready, loading: busy }}
      onCancel={() => onClose(false)}
      onOk={() =>
        run(async () => {
          if (item)
            await call(plansApi.updateItem, {
              params: { id: planId, itemId: item.id },
              body: { content, focus },
            });
          else if (indicatorId)
            await call(plansApi.createItem, {
              params: { id: planId },
              body: { indicatorId, content, focus },
            });
          onClose(true);
          return t('planEdit.saved');
        })
      }
    >
      <Form layout="vertical">
        {!item && (
          <Form.Item label={t('planEdit.item.indicator')} required>
            <Select
              aria-label={t('planEdit.item.indicator')}
              options={level2s}
              value={indicatorId}
              onChange={setIndicatorId}
              showSearch
              optionFilterProp="label"
            />
          </Form.Item>
        )}
        <Form.Item label={t('planEdit.item.content')} required>
          <Input.TextArea
            aria-label={t('planEdit.item.content')}
            rows={4}
            value={content}
            onChange={(event) => setContent(event.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('planEdit.item.focus')}>
          <Input.TextArea
            rows={2}
            value={focus}
            onChange={(event) => setFocus(event.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ItemsEditor({
  planId,
  tree,
  onChanged,
}: {
  planId: string;
  tree: PlanTree;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<TreeItem | 'new' | null>(null);
  const [retiring, setRetiring] = useState<TreeItem | null>(null);
  const [search, setSearch] = useState('');
  const retired = new Map((tree.retiredItems ?? []).map((entry) => [entry.itemId, entry]));
  const words = search.trim();
  const rows = tree.indicators
    .flatMap((level1) =>
      level1.children.flatMap((level2) =>
        level2.items.map((item) => ({ ...item, level2: level2.title })),
      ),
    )
    .filter(
      (item) =>
        !words ||
        String(item.no) === words ||
        item.content.includes(words) ||
        item.assignments.some((entry) => entry.name.includes(words)),
    );
  const close = (changed: boolean) => {
    setEditing(null);
    setRetiring(null);
    if (changed) onChanged();
  };
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setEditing('new')} data-testid="item-add">
          {t('planEdit.item.add')}
        </Button>
        <Input.Search
          allowClear
          placeholder={t('planEdit.item.search')}
          aria-label={t('planEdit.item.search')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          style={{ width: 260, maxWidth: '100%' }}
          data-testid="item-search"
        />
      </Space>
      <Table
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        scroll={{ x: 640 }}
        columns={[
          { title: t('planEdit.item.no'), dataIndex: 'no', width: 64 },
          {
            title: t('planEdit.item.content'),
            dataIndex: 'content',
            render: (content: string, item) => (
              <>
                <Typography.Text delete={retired.has(item.id)}>{content}</Typography.Text>
                {retired.has(item.id) && (
                  <div>
                    <Tag color="default">{t('planEdit.item.retired')}</Tag>
                    <Typography.Text type="secondary">
                      {retired.get(item.id)!.reason}
                    </Typography.Text>
                  </div>
                )}
              </>
            ),
          },
          {
            title: t('planEdit.item.departments'),
            width: 200,
            render: (_, item) => item.assignments.map((entry) => entry.name).join(t('punct.enum')),
          },
          {
            title: t('planEdit.item.actions'),
            width: 150,
            render: (_, item) =>
              retired.has(item.id) ? null : (
                <Space size={4}>
                  <Button
                    size="small"
                    onClick={() => setEditing(item)}
                    data-testid={`item-edit-${item.no}`}
                  >
                    {t('planEdit.item.edit')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() => setRetiring(item)}
                    data-testid={`item-retire-${item.no}`}
                  >
                    {t('planEdit.item.retire')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {editing && (
        <ItemDialog
          planId={planId}
          tree={tree}
          item={editing === 'new' ? null : editing}
          onClose={close}
        />
      )}
      {retiring && <RetireDialog planId={planId} item={retiring} onClose={close} />}
    </>
  );
}

function RevisionLog({ planId }: { planId: string }) {
  const { t } = useI18n();
  const revisions = useOperation(plansApi.revisions, { params: { id: planId } });
  return (
    <Table
      size="small"
      rowKey="revision"
      loading={revisions.isPending}
      dataSource={revisions.data ?? []}
      locale={{ emptyText: t('planEdit.revisions.none') }}
      pagination={{ pageSize: 20, showSizeChanger: false }}
      scroll={{ x: 560 }}
      data-testid="plan-revisions"
      columns={[
        { title: t('planEdit.revisions.no'), dataIndex: 'revision', width: 64 },
        { title: t('planEdit.revisions.change'), dataIndex: 'summary' },
        { title: t('planEdit.revisions.by'), dataIndex: 'actorName', width: 140 },
        {
          title: t('planEdit.revisions.at'),
          dataIndex: 'at',
          width: 170,
          render: (at: string) => formatDateTime(at),
        },
      ]}
    />
  );
}

/**
 * 方案维护 for the office (phases, deadlines, items, the change log, extension requests), and a
 * department's own extension requests for a liaison.
 */
export function PlanMaintenance({
  plan,
  tree,
  canEdit,
  departmentId,
  onChanged,
}: {
  plan: PlanDetail;
  tree: PlanTree;
  canEdit: boolean;
  departmentId: string | null;
  onChanged(): void;
}) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const changed = useCallback(() => {
    void invalidate(plansApi.revisions, plansApi.itemDependents);
    onChanged();
  }, [invalidate, onChanged]);
  if (!canEdit)
    return departmentId ? (
      <Card title={t('extension.title')} data-testid="plan-extensions">
        <ExtensionRequests plan={plan} departmentId={departmentId} canDecide={false} />
      </Card>
    ) : null;
  return (
    <Card title={t('planEdit.title')} data-testid="plan-maintenance">
      <Tabs
        items={[
          {
            key: 'dates',
            label: t('planEdit.tab.dates'),
            children: (
              <Space direction="vertical" size={12} style={{ width: '100%' }}>
                <Typography.Text type="secondary">{t('planEdit.dates.hint')}</Typography.Text>
                {plan.phases.map((phase) => (
                  <PhaseRow
                    key={`${phase.id}:${phase.startsOn}:${phase.endsOn}`}
                    planId={plan.id}
                    phase={phase}
                    onSaved={changed}
                  />
                ))}
                <Typography.Title level={5}>{t('plan.deliverables')}</Typography.Title>
                {plan.deliverables.map((deliverable) => (
                  <DeliverableRow
                    key={`${deliverable.id}:${deliverable.dueOn}`}
                    planId={plan.id}
                    deliverable={deliverable}
                    onSaved={changed}
                  />
                ))}
              </Space>
            ),
          },
          {
            key: 'items',
            label: t('planEdit.tab.items'),
            children: <ItemsEditor planId={plan.id} tree={tree} onChanged={changed} />,
          },
          {
            key: 'extensions',
            label: t('extension.title'),
            children: (
              <ExtensionRequests plan={plan} departmentId={null} canDecide onDecided={changed} />
            ),
          },
          {
            key: 'revisions',
            label: t('planEdit.tab.revisions'),
            children: <RevisionLog planId={plan.id} />,
          },
        ]}
      />
    </Card>
  );
}
