import { Alert, Button, Card, Col, Empty, List, Row, Spin, Statistic, Tag, Typography } from 'antd';
import { type TodoKind, todoApi } from '../../../shared/api/todo';
import type { Role } from '../../../shared/roles';
import { useOperation } from '../../api/query';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';

/** 2024-04-30 → 4月30日 (or 30 Apr). */
export function shortDate(date: string, locale: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (locale === 'zh-CN') return `${month}月${day}日`;
  return new Date(Date.UTC(year!, month! - 1, day!)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

const KIND_KEYS = {
  breakdown: 'todo.kind.breakdown',
  progress: 'todo.kind.progress',
  measure: 'todo.kind.measure',
  obligation: 'todo.kind.obligation',
  rectification: 'todo.kind.rectification',
  summary: 'todo.kind.summary',
  notice: 'todo.kind.notice',
  breakdown_review: 'todo.kind.breakdown_review',
  verification: 'todo.kind.verification',
  report_review: 'todo.kind.report_review',
} as const satisfies Record<TodoKind, string>;

/**
 * 我的待办: the landing page of liaisons and the office. What is mine, by deadline, with counts
 * per kind and one click to each thing; what is done has left the list.
 */
export default function TodoPage({ role }: { role: Role }) {
  const { t, locale } = useI18n();
  const { planId, error: planError } = usePlan();
  const todo = useOperation(
    todoApi.mine,
    { query: planId ? { planId } : {} },
    { keepPrevious: true },
  );
  const view = todo.data;

  if (planError) return <Alert type="error" showIcon message={planError} />;
  if (todo.isError && !view)
    return <LoadError error={todo.error} onRetry={() => void todo.refetch()} />;
  if (!view) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const headline =
    view.total === 0
      ? t('todo.none')
      : role === 'liaison'
        ? view.nextDueOn
          ? t('todo.headline.liaison', {
              count: view.total,
              date: shortDate(view.nextDueOn, locale),
            })
          : t('todo.headline.count', { count: view.total })
        : t('todo.headline.count', { count: view.total });

  return (
    <div className="todo-page" data-testid="todo-page">
      <Card className="todo-headline">
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="todo-headline">
          {headline}
        </Typography.Title>
        {view.overdue > 0 && (
          <Typography.Text type="danger">
            {t('todo.overdue', { count: view.overdue })}
          </Typography.Text>
        )}
        {view.plan && (
          <div>
            <Typography.Text type="secondary">{view.plan.title}</Typography.Text>
          </div>
        )}
      </Card>
      {view.groups.length > 0 && (
        <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
          {view.groups.map((group) => (
            <Col xs={12} sm={8} lg={6} key={group.kind}>
              <Card
                hoverable
                size="small"
                onClick={() => navigate(group.link)}
                data-testid={`todo-group-${group.kind}`}
              >
                <Statistic
                  title={t(KIND_KEYS[group.kind])}
                  value={group.count}
                  valueStyle={group.overdue > 0 ? { color: '#cf1322' } : undefined}
                />
                <Typography.Text type="secondary">
                  {group.nextDueOn
                    ? t('todo.due', { date: shortDate(group.nextDueOn, locale) })
                    : ' '}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Card title={t('todo.list')} style={{ marginTop: 12 }}>
        {view.items.length === 0 ? (
          <Empty description={t('todo.none')} />
        ) : (
          <List
            dataSource={view.items}
            renderItem={(item) => (
              <List.Item
                key={item.key}
                actions={[
                  <Button key="go" type="link" onClick={() => navigate(item.link)}>
                    {t('todo.go')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <button
                      type="button"
                      className="todo-item-title"
                      onClick={() => navigate(item.link)}
                    >
                      {item.title}
                    </button>
                  }
                  description={
                    <>
                      <Tag color={item.overdue ? 'red' : 'blue'}>{t(KIND_KEYS[item.kind])}</Tag>
                      {item.dueOn && (
                        <Typography.Text type={item.overdue ? 'danger' : 'secondary'}>
                          {item.overdue
                            ? t('todo.wasDue', { date: shortDate(item.dueOn, locale) })
                            : t('todo.due', { date: shortDate(item.dueOn, locale) })}
                        </Typography.Text>
                      )}
                      {item.detail && (
                        <Typography.Text type="secondary"> · {item.detail}</Typography.Text>
                      )}
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
