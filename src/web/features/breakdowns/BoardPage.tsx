import { CheckOutlined, DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  List,
  Modal,
  Progress,
  Space,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  breakdownsApi,
  type ApproveManyResult,
  type BoardRow,
} from '../../../shared/api/breakdowns';
import { hrefOf } from '../../api/client';
import { useOperation, useWrite } from '../../api/query';
import { LoadError, QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';
import { errorText } from '../../usePlanTree';
import { StatusTag } from './BreakdownPage';
import { formatTime } from '../../time';

/** The coordinating office's view of who has returned their task breakdown, late ones first. */
export default function BoardPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { planId, error: planError } = usePlan();
  const board = useOperation(breakdownsApi.board, planId ? { params: { id: planId } } : null);
  const approveMany = useWrite(breakdownsApi.approveMany);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<ApproveManyResult | null>(null);

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (!planId) return <QueryView query={board}>{() => null}</QueryView>;

  async function approveSelected(id: string) {
    try {
      const result = await approveMany.mutateAsync({
        params: { id },
        body: { departmentIds: selected },
      });
      setConfirming(false);
      setSelected([]);
      setOutcome(result.refused.length > 0 ? result : null);
      if (result.approved.length > 0)
        message.success(t('board.batch.approved', { count: result.approved.length }));
      if (result.refused.length > 0)
        message.warning(t('board.batch.refusedSome', { count: result.refused.length }));
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 8);
    }
  }

  return (
    <QueryView query={board}>
      {(data) => {
        const rows = data.rows.filter((row) => row.department.name.includes(query.trim()));
        const count = (predicate: (row: BoardRow) => boolean) => data.rows.filter(predicate).length;
        const chosen = data.rows.filter((row) => selected.includes(row.department.id));
        return (
          <Card
            title={t('board.title')}
            extra={
              <Space wrap>
                {data.dueOn && (
                  <Typography.Text type="secondary">
                    {t('breakdown.due', { date: data.dueOn })}
                  </Typography.Text>
                )}
                <Button
                  icon={<DownloadOutlined />}
                  href={hrefOf(breakdownsApi.export, {
                    params: { id: planId },
                    query: { format: 'xlsx' },
                  })}
                >
                  {t('export.xlsx')}
                </Button>
                <Button
                  icon={<DownloadOutlined />}
                  href={hrefOf(breakdownsApi.export, {
                    params: { id: planId },
                    query: { format: 'docx' },
                  })}
                >
                  {t('export.docx')}
                </Button>
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">
              {t('board.summary', {
                total: data.rows.length,
                approved: count((row) => row.status === 'approved'),
                submitted: count((row) => row.status === 'submitted'),
                late: count((row) => row.late),
              })}{' '}
              {t('board.hint')}
            </Typography.Paragraph>
            {board.isError && <LoadError error={board.error} />}
            {outcome && (
              <Alert
                type="warning"
                showIcon
                closable
                onClose={() => setOutcome(null)}
                style={{ marginBottom: 12 }}
                data-testid="batch-refused"
                message={t('board.batch.refusedTitle', { count: outcome.refused.length })}
                description={
                  <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                    {outcome.refused.map((row) => (
                      <li key={row.departmentId}>
                        {row.name ?? row.departmentId}: {row.message}
                      </li>
                    ))}
                  </ul>
                }
              />
            )}
            <Space wrap style={{ marginBottom: 12 }}>
              <Input.Search
                allowClear
                placeholder={t('board.department')}
                onChange={(event) => setQuery(event.target.value)}
                style={{ maxWidth: 320 }}
              />
              <Button
                type="primary"
                icon={<CheckOutlined />}
                disabled={selected.length === 0}
                onClick={() => setConfirming(true)}
                data-testid="batch-approve"
              >
                {selected.length > 0
                  ? t('board.batch.approveCount', { count: selected.length })
                  : t('board.batch.approve')}
              </Button>
              <Typography.Text type="secondary">
                {count((row) => row.status === 'submitted') > 0
                  ? t('board.batch.hint')
                  : t('board.batch.none')}
              </Typography.Text>
            </Space>
            <Table<BoardRow>
              size="small"
              rowKey={(row) => row.department.id}
              dataSource={rows}
              pagination={false}
              scroll={{ x: 760 }}
              rowSelection={{
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                // Only what waits for review can be approved; the others keep their boxes off.
                getCheckboxProps: (row) => ({
                  disabled: row.status !== 'submitted',
                  'aria-label': t('board.batch.select', { name: row.department.name }),
                }),
              }}
              onRow={(row) => ({
                onClick: (event) => {
                  // A click on the checkbox cell selects the row, it does not open it.
                  if ((event.target as HTMLElement).closest('.ant-table-selection-column')) return;
                  navigate(`/board/${row.department.id}`);
                },
                style: { cursor: 'pointer' },
                'data-testid': 'board-row',
                'data-department': row.department.name,
              })}
              columns={[
                {
                  title: t('board.department'),
                  dataIndex: ['department', 'name'],
                  render: (name: string) => <a data-testid="board-department">{name}</a>,
                  sorter: (a, b) => a.department.name.localeCompare(b.department.name, 'zh-CN'),
                },
                {
                  title: t('board.status'),
                  render: (_value, row) => <StatusTag status={row.status} late={row.late} />,
                  filters: ['not_started', 'draft', 'submitted', 'returned', 'approved'].map(
                    (status) => ({
                      text: t(`status.${status as BoardRow['status']}`),
                      value: status,
                    }),
                  ),
                  onFilter: (value, row) => row.status === value,
                },
                {
                  title: t('board.progress'),
                  render: (_value, row) => (
                    <Progress
                      size="small"
                      percent={Math.round((row.itemsWithMeasures / row.itemCount) * 100)}
                      format={() => `${row.itemsWithMeasures}/${row.itemCount}`}
                    />
                  ),
                  width: 200,
                },
                {
                  title: t('board.liaison'),
                  render: (_value, row) =>
                    row.liaisonNamed ? (
                      t('board.named')
                    ) : (
                      <Typography.Text type="danger">{t('board.notNamed')}</Typography.Text>
                    ),
                },
                {
                  title: t('board.submittedAt'),
                  render: (_value, row) => (row.submittedAt ? formatTime(row.submittedAt) : '—'),
                },
              ]}
            />
            <Modal
              open={confirming}
              title={t('board.batch.confirmTitle', { count: chosen.length })}
              okText={t('board.batch.confirm')}
              cancelText={t('measure.cancel')}
              confirmLoading={approveMany.isPending}
              onOk={() => void approveSelected(planId)}
              onCancel={() => setConfirming(false)}
              okButtonProps={
                { 'data-testid': 'batch-approve-confirm' } as Record<`data-${string}`, string>
              }
            >
              <Typography.Paragraph>{t('board.batch.confirmText')}</Typography.Paragraph>
              <List
                size="small"
                bordered
                data-testid="batch-approve-list"
                dataSource={chosen}
                renderItem={(row) => (
                  <List.Item>
                    <Space wrap>
                      {row.department.name}
                      <Typography.Text type="secondary">
                        {t('board.batch.measured', {
                          measured: row.itemsWithMeasures,
                          total: row.itemCount,
                        })}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            </Modal>
          </Card>
        );
      }}
    </QueryView>
  );
}
