import { Alert, Button, Table, Tag, Typography } from 'antd';
import { conductReportsApi } from '../../../shared/api/conduct-reports';
import { useOperation } from '../../api/query';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { formatTime } from '../../time';

/** 举报受理: the case handler's list: states and deadlines, late cases marked; no content. */
export default function ConductCasesPage() {
  const { t } = useI18n();
  const cases = useOperation(conductReportsApi.list, {});
  return (
    <div>
      <Typography.Title level={3}>{t('conductCase.listTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('conductCase.listHint')}</Typography.Paragraph>
      {cases.error && <Alert type="error" showIcon message={cases.error.message} />}
      <Table
        rowKey="id"
        loading={cases.isLoading}
        dataSource={cases.data ?? []}
        scroll={{ x: 720 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('conductCase.none') }}
        onRow={(row) => ({ onClick: () => navigate(`/conduct-cases/${row.id}`) })}
        columns={[
          {
            title: t('conductCase.receivedAt'),
            dataIndex: 'receivedAt',
            render: (value: string) => formatTime(value),
          },
          {
            title: t('conductCase.stateColumn'),
            dataIndex: 'state',
            render: (_: unknown, row) => (
              <>
                <Tag color={row.state === 'closed' ? 'default' : 'processing'}>
                  {t(`conductCase.state.${row.state}`)}
                </Tag>
                {row.outcome && <Tag>{t(`conductCase.outcome.${row.outcome}`)}</Tag>}
              </>
            ),
          },
          {
            title: t('conductCase.dueAt'),
            dataIndex: 'stageDueAt',
            render: (_: unknown, row) =>
              row.stageDueAt ? (
                <>
                  {formatTime(row.stageDueAt)}{' '}
                  {row.late && <Tag color="red">{t('conductCase.late')}</Tag>}
                </>
              ) : (
                '—'
              ),
          },
          {
            title: t('conductCase.onTime'),
            dataIndex: 'handledOnTime',
            render: (value: boolean | null) =>
              value === null ? '—' : value ? t('conductCase.yes') : t('conductCase.no'),
          },
          {
            title: '',
            key: 'open',
            render: (_: unknown, row) => (
              <Button type="link" onClick={() => navigate(`/conduct-cases/${row.id}`)}>
                {t('conductCase.open')}
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}
