import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import {
  type MessageView,
  type NotificationSettingsView,
  notificationsApi,
  type PreferencesView,
} from '../../../shared/api/notifications';
import { supervisionApi } from '../../../shared/api/supervision';
import { messageChannels, type MessageChannel } from '../../../shared/notifications/messages';
import { ApiError, call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { formatTime } from '../../time';

const CHANNEL_KEYS = {
  in_app: 'messages.channel.in_app',
  email: 'messages.channel.email',
  wecom: 'messages.channel.wecom',
  dingtalk: 'messages.channel.dingtalk',
} as const satisfies Record<MessageChannel, string>;

const STATUS_COLORS = { sent: 'green', failed: 'red', sending: 'blue', skipped: 'default' };

/** 消息: every handover message to me, how each channel went, and my channels (and the office's). */
export default function MessagesPage({ office }: { office: boolean }) {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const messages = useOperation(notificationsApi.messagesList, {});
  const list = messages.data ?? null;
  const error =
    messages.isError && !list
      ? messages.error instanceof ApiError
        ? messages.error.message
        : t('error.network')
      : null;
  const invalidate = useInvalidate();

  async function open(message: MessageView) {
    if (message.notificationId && !message.readAt) {
      await call(supervisionApi.notificationsRead, {
        params: { id: message.notificationId },
      }).catch(() => undefined);
      void invalidate(notificationsApi.messagesList, supervisionApi.notificationsList);
    }
    navigate(message.link);
  }

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={t('messages.title')} data-testid="message-list">
        {error && <Alert type="error" showIcon message={error} />}
        {!list && !error && <Spin />}
        {list && list.items.length === 0 && <Empty description={t('notifications.empty')} />}
        {list && list.items.length > 0 && (
          <List
            // On a phone the button goes under the text, which keeps the width to read it.
            itemLayout={screens.md ? 'horizontal' : 'vertical'}
            dataSource={list.items}
            renderItem={(message) => (
              <List.Item
                key={message.id}
                data-testid="message"
                className={message.readAt ? '' : 'message-unread'}
                actions={[
                  <Button key="open" type="link" onClick={() => void open(message)}>
                    {message.action}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space wrap size={4}>
                      {!message.readAt && <Tag color="red">{t('messages.unread')}</Tag>}
                      <span>{message.title}</span>
                    </Space>
                  }
                  description={
                    <>
                      <Typography.Paragraph
                        style={{ whiteSpace: 'pre-line', marginBottom: 4 }}
                        ellipsis={{ rows: 4, expandable: true }}
                      >
                        {message.body}
                      </Typography.Paragraph>
                      <Space wrap size={4}>
                        <Typography.Text type="secondary">
                          {formatTime(message.createdAt)}
                        </Typography.Text>
                        {message.deliveries.map((delivery) => (
                          <Tag
                            key={delivery.channel}
                            color={STATUS_COLORS[delivery.status]}
                            title={delivery.error ?? undefined}
                          >
                            {t(CHANNEL_KEYS[delivery.channel])} ·{' '}
                            {t(`messages.status.${delivery.status}`)}
                          </Tag>
                        ))}
                      </Space>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <PreferencesCard />
      {office && <OfficeSettingsCard />}
    </Space>
  );
}

function PreferencesCard() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [view, setView] = useState<PreferencesView | null>(null);
  const [form] = Form.useForm();
  useEffect(() => {
    call(notificationsApi.messagesPreferences).then(
      (loaded) => {
        setView(loaded);
        form.setFieldsValue({
          useOffice: loaded.channels === null,
          channels: loaded.channels ?? loaded.officeChannels,
          wecomUserId: loaded.wecomUserId ?? '',
          dingtalkUserId: loaded.dingtalkUserId ?? '',
        });
      },
      () => undefined,
    );
  }, [form]);
  if (!view) return null;
  async function save(values: {
    useOffice: boolean;
    channels: MessageChannel[];
    wecomUserId: string;
    dingtalkUserId: string;
  }) {
    try {
      const saved = await call(notificationsApi.messagesUpdatePreferences, {
        body: {
          version: view!.version,
          channels: values.useOffice ? null : values.channels,
          wecomUserId: values.wecomUserId.trim() || null,
          dingtalkUserId: values.dingtalkUserId.trim() || null,
        },
      });
      setView(saved);
      message.success(t('messages.saved'));
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'));
    }
  }
  return (
    <Card title={t('messages.preferences')}>
      <Form form={form} layout="vertical" onFinish={(values) => void save(values)}>
        <Form.Item name="useOffice" valuePropName="checked">
          <Checkbox>{t('messages.useOffice')}</Checkbox>
        </Form.Item>
        <Form.Item noStyle shouldUpdate>
          {() => (
            <Form.Item name="channels" label={t('messages.channels')}>
              <Checkbox.Group
                disabled={form.getFieldValue('useOffice')}
                options={messageChannels.map((channel) => ({
                  value: channel,
                  label: t(CHANNEL_KEYS[channel]),
                  disabled: channel === 'in_app',
                }))}
              />
            </Form.Item>
          )}
        </Form.Item>
        <Typography.Paragraph type="secondary">
          {t('messages.email', { email: view.email ?? '—' })}
        </Typography.Paragraph>
        <Form.Item name="wecomUserId" label={t('messages.wecomUserId')}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="dingtalkUserId" label={t('messages.dingtalkUserId')}>
          <Input maxLength={64} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('messages.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** The office settings form's fields (ids and secrets as typed; a secret left empty is kept). */
interface OfficeSettingsForm {
  defaultChannels: MessageChannel[];
  dueSoonDays: number;
  wecomCorpId?: string;
  wecomAgentId?: string;
  wecomSecret?: string;
  dingtalkAppKey?: string;
  dingtalkAgentId?: string;
  dingtalkAppSecret?: string;
}

function OfficeSettingsCard() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [view, setView] = useState<NotificationSettingsView | null>(null);
  const [form] = Form.useForm();
  const fill = useCallback(
    (loaded: NotificationSettingsView) => {
      setView(loaded);
      form.setFieldsValue({
        defaultChannels: loaded.defaultChannels,
        dueSoonDays: loaded.dueSoonDays,
        wecomCorpId: loaded.wecom.corpId ?? '',
        wecomAgentId: loaded.wecom.agentId ?? '',
        wecomSecret: '',
        dingtalkAppKey: loaded.dingtalk.appKey ?? '',
        dingtalkAgentId: loaded.dingtalk.agentId ?? '',
        dingtalkAppSecret: '',
      });
    },
    [form],
  );
  useEffect(() => {
    call(notificationsApi.messagesSettings).then(fill, () => undefined);
  }, [fill]);
  if (!view) return null;
  async function save(values: OfficeSettingsForm) {
    const text = (name: keyof OfficeSettingsForm) => String(values[name] ?? '').trim() || null;
    const secret = (name: keyof OfficeSettingsForm) => text(name) ?? undefined;
    try {
      fill(
        await call(notificationsApi.messagesUpdateSettings, {
          body: {
            version: view!.version,
            defaultChannels: values.defaultChannels,
            dueSoonDays: Number(values.dueSoonDays),
            wecomCorpId: text('wecomCorpId'),
            wecomAgentId: text('wecomAgentId'),
            wecomSecret: secret('wecomSecret'),
            dingtalkAppKey: text('dingtalkAppKey'),
            dingtalkAgentId: text('dingtalkAgentId'),
            dingtalkAppSecret: secret('dingtalkAppSecret'),
          },
        }),
      );
      message.success(t('messages.saved'));
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'));
    }
  }
  const secretHint = (state: { set: boolean; masked: string | null }) =>
    state.set ? t('messages.secretSet', { masked: state.masked ?? '' }) : undefined;
  return (
    <Card title={t('messages.office')} data-testid="message-settings">
      <Form form={form} layout="vertical" onFinish={(values) => void save(values)}>
        <Form.Item name="defaultChannels" label={t('messages.officeChannels')}>
          <Checkbox.Group
            options={messageChannels.map((channel) => ({
              value: channel,
              label: t(CHANNEL_KEYS[channel]),
              disabled: channel === 'in_app',
            }))}
          />
        </Form.Item>
        {!view.mailConfigured && (
          <Alert
            type="info"
            showIcon
            message={t('messages.mailMissing')}
            style={{ marginBottom: 12 }}
          />
        )}
        <Form.Item name="dueSoonDays" label={t('messages.dueSoonDays')}>
          <InputNumber min={1} max={60} />
        </Form.Item>
        <Typography.Title level={5}>{t('messages.channel.wecom')}</Typography.Title>
        <Form.Item name="wecomCorpId" label="CorpID">
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="wecomAgentId" label="AgentId">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="wecomSecret" label="Secret" extra={secretHint(view.wecom.secret)}>
          <Input.Password maxLength={200} autoComplete="new-password" />
        </Form.Item>
        <Typography.Title level={5}>{t('messages.channel.dingtalk')}</Typography.Title>
        <Form.Item name="dingtalkAppKey" label="AppKey">
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="dingtalkAgentId" label="AgentId">
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item
          name="dingtalkAppSecret"
          label="AppSecret"
          extra={secretHint(view.dingtalk.appSecret)}
        >
          <Input.Password maxLength={200} autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('messages.save')}
        </Button>
      </Form>
    </Card>
  );
}
