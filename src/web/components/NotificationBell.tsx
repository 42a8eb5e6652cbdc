import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { useState } from 'react';
import { type NotificationView, supervisionApi } from '../../shared/api/supervision';
import { call } from '../api/client';
import { useInvalidate, useOperation } from '../api/query';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { formatTime } from '../time';

const POLL_MS = 60_000;

/** The bell in the header: unread reminders (催办) and digests, newest first. */
export function NotificationBell() {
  const { t } = useI18n();
  // A failed poll keeps the last answer (or none): the bell never blocks the page.
  const notifications = useOperation(
    supervisionApi.notificationsList,
    { query: { limit: 20 } },
    { refetchInterval: POLL_MS },
  );
  const view = notifications.data ?? { unread: 0, items: [] };
  const invalidate = useInvalidate();
  const [open, setOpen] = useState(false);
  const reload = () => void invalidate(supervisionApi.notificationsList);

  async function openItem(item: NotificationView) {
    if (!item.readAt)
      await call(supervisionApi.notificationsRead, { params: { id: item.id } }).catch(
        () => undefined,
      );
    setOpen(false);
    reload();
    if (item.link) navigate(item.link);
  }

  async function readAll() {
    await call(supervisionApi.notificationsReadAll).catch(() => undefined);
    reload();
  }

  const content = (
    <div className="notification-list" data-testid="notification-list">
      {view.items.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      )}
      {view.items.map((item) => (
        <button
          type="button"
          key={item.id}
          className={`notification-item${item.readAt ? '' : ' unread'}`}
          onClick={() => void openItem(item)}
        >
          <span className="notification-title">{item.title}</span>
          <Typography.Paragraph className="notification-body" ellipsis={{ rows: 3 }}>
            {item.body}
          </Typography.Paragraph>
          <span className="notification-time">{formatTime(item.createdAt)}</span>
        </button>
      ))}
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) reload();
      }}
      title={
        <div className="notification-head">
          <span>{t('notifications.title')}</span>
          <Button
            size="small"
            type="link"
            data-testid="all-messages"
            onClick={() => {
              setOpen(false);
              navigate('/messages');
            }}
          >
            {t('messages.all')}
          </Button>
          {view.unread > 0 && (
            <Button size="small" type="link" onClick={() => void readAll()}>
              {t('notifications.readAll')}
            </Button>
          )}
        </div>
      }
      content={content}
    >
      <Button
        type="text"
        aria-label={t('notifications.open', { count: view.unread })}
        data-testid="notification-bell"
      >
        <Badge count={view.unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
