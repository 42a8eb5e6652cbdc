import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Progress, Space, Spin, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { boardSchema, BoardRow } from '../../../shared/api/breakdowns';
import { api, ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';
import { StatusTag } from './BreakdownPage';
import { formatTime } from '../../time';

type Board = z.infer<typeof boardSchema>;

/** The coordinating office's view of who has returned their task breakdown, late ones first. */
export default function BoardPage() {
  const { t } = useI18n();
  const { planId, error: planError } = usePlan();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!planId) return;
    api<Board>('GET', `/api/v1/plans/${planId}/breakdowns`).then(setBoard, (caught) =>
      setError(caught instanceof ApiError ? caught.message : t('error.network')),
    );
  }, [planId, t]);

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!board) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const rows = board.rows.filter((row) => row.department.name.includes(query.trim()));
  const count = (predicate: (row: BoardRow) => boolean) => board.rows.filter(predicate).length;

  return (
    <Card
      title={t('board.title')}
      extra={
        <Space wrap>
          {board.dueOn && (
            <Typography.Text type="secondary">
              {t('breakdown.due', { date: board.dueOn })}
            </Typography.Text>
          )}
          <Button
            icon={<DownloadOutlined />}
            href={`/api/v1/plans/${planId}/task-breakdown?format=xlsx`}
          >
            {t('export.xlsx')}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            href={`/api/v1/plans/${planId}/task-breakdown?format=docx`}
          >
            {t('export.docx')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('board.summary', {
          total: board.rows.length,
          approved: count((row) => row.status === 'approved'),
          submitted: count((row) => row.status === 'submitted'),
          late: count((row) => row.late),
        })}{' '}
        {t('board.hint')}
      </Typography.Paragraph>
      <Input.Search
        allowClear
        placeholder={t('board.department')}
        onChange={(event) => setQuery(event.target.value)}
        style={{ maxWidth: 320, marginBottom: 12 }}
      />
      <Table<BoardRow>
        size="small"
        rowKey={(row) => row.department.id}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 720 }}
        onRow={(row) => ({
          onClick: () => navigate(`/board/${row.department.id}`),
          style: { cursor: 'pointer' },
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
              (status) => ({ text: t(`status.${status as BoardRow['status']}`), value: status }),
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
    </Card>
  );
}
