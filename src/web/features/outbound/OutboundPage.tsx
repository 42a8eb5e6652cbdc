import { SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { outboundApi, type OutboundSettingsView } from '../../../shared/api/outbound';
import { supervisionApi } from '../../../shared/api/supervision';
import type { MessageKey } from '../../../shared/i18n/messages';
import { ApiError, call } from '../../api/client';
import { useOperation, useWrite } from '../../api/query';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';

type SecretName = 'wecomWebhookUrl' | 'dingtalkWebhookUrl' | 'dingtalkSecret';
interface OutboundForm {
  wecomWebhookUrl?: string;
  dingtalkWebhookUrl?: string;
  dingtalkSecret?: string;
  allow: string;
}

/**
 * 外呼地址, the security admin's page (issue 19 point 9): the group robots the server may post
 * to, and the internal addresses they may reach. Saved secrets are shown masked; an empty field
 * keeps what is saved.
 */
export default function OutboundPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<OutboundForm>();
  const [settings, setSettings] = useState<OutboundSettingsView | null>(null);
  const [cleared, setCleared] = useState<Set<SecretName>>(new Set());
  const [saving, setSaving] = useState(false);
  const loaded = useOperation(outboundApi.settings, {});
  const update = useWrite(outboundApi.update, { invalidates: [supervisionApi.settings] });
  const errorText = useCallback(
    (caught: unknown) => (caught instanceof ApiError ? caught.message : t('error.network')),
    [t],
  );

  const accept = useCallback(
    (view: OutboundSettingsView) => {
      setSettings(view);
      setCleared(new Set());
      form.setFieldsValue({
        wecomWebhookUrl: '',
        dingtalkWebhookUrl: '',
        dingtalkSecret: '',
        allow: view.allow.join('\n'),
      });
    },
    [form],
  );
  useEffect(() => {
    if (loaded.data) accept(loaded.data);
  }, [loaded.data, accept]);

  async function save(values: OutboundForm) {
    if (!settings) return;
    const field = (name: SecretName) =>
      cleared.has(name)
        ? { [name]: null }
        : values[name]?.trim()
          ? { [name]: values[name]!.trim() }
          : {};
    setSaving(true);
    try {
      accept(
        await update.mutateAsync({
          body: {
            version: settings.version,
            ...field('wecomWebhookUrl'),
            ...field('dingtalkWebhookUrl'),
            ...field('dingtalkSecret'),
            allow: (values.allow ?? '')
              .split(/[\n,]/)
              .map((entry) => entry.trim())
              .filter(Boolean),
          },
        }),
      );
      message.success(t('outbound.saved'));
    } catch (caught) {
      message.error(errorText(caught), 8);
      if (caught instanceof ApiError && caught.status === 409) void loaded.refetch();
    } finally {
      setSaving(false);
    }
  }

  async function test(channel: 'wecom' | 'dingtalk') {
    try {
      const result = await call(supervisionApi.testSend, { body: { channel } });
      if (result.ok)
        message.success(t('supervision.settings.testOk', { recipient: result.recipient }), 6);
      else message.error(t('supervision.settings.testFailed', { error: result.error ?? '' }), 10);
    } catch (caught) {
      message.error(errorText(caught), 8);
    }
  }

  if (!settings) return <QueryView query={loaded}>{() => null}</QueryView>;
  const secretField = (
    name: SecretName,
    labelKey: MessageKey,
    saved: OutboundSettingsView['wecomWebhook'],
    testChannel?: 'wecom' | 'dingtalk',
  ) => (
    <Form.Item
      label={t(labelKey)}
      htmlFor={name}
      extra={
        cleared.has(name)
          ? t('supervision.settings.cleared')
          : saved.set
            ? t('supervision.settings.saved', { masked: saved.masked ?? '' })
            : undefined
      }
    >
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name={name} noStyle>
          <Input.Password
            id={name}
            autoComplete="off"
            placeholder={
              saved.set
                ? t('supervision.settings.keep')
                : name === 'dingtalkSecret'
                  ? 'SEC…'
                  : 'https://…'
            }
            disabled={cleared.has(name)}
            visibilityToggle={name !== 'dingtalkSecret'}
          />
        </Form.Item>
        {saved.set && (
          <Button
            onClick={() => setCleared((current) => new Set(current).add(name))}
            disabled={cleared.has(name)}
          >
            {t('supervision.settings.clear')}
          </Button>
        )}
        {testChannel && saved.set && (
          <Button
            icon={<SendOutlined />}
            onClick={() => test(testChannel)}
            data-testid={`outbound-test-${testChannel}`}
          >
            {t('supervision.settings.test')}
          </Button>
        )}
      </Space.Compact>
    </Form.Item>
  );

  return (
    <div style={{ maxWidth: 860 }}>
      <Typography.Title level={4}>{t('outbound.title')}</Typography.Title>
      <Alert type="info" showIcon message={t('outbound.intro')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={save} data-testid="outbound-settings">
        <Typography.Title level={5}>{t('outbound.robots')}</Typography.Title>
        <Typography.Paragraph type="secondary">
          {t('supervision.settings.robotsHint')}
        </Typography.Paragraph>
        {secretField(
          'wecomWebhookUrl',
          'supervision.settings.wecom',
          settings.wecomWebhook,
          'wecom',
        )}
        {secretField(
          'dingtalkWebhookUrl',
          'supervision.settings.dingtalk',
          settings.dingtalkWebhook,
          'dingtalk',
        )}
        {secretField('dingtalkSecret', 'supervision.settings.secret', settings.dingtalkSecret)}
        <Typography.Title level={5}>{t('outbound.allow')}</Typography.Title>
        <Form.Item
          name="allow"
          htmlFor="allow"
          extra={
            <>
              {t('outbound.allowHint')}
              {settings.deploymentAllow.length > 0 && (
                <div>
                  {t('outbound.deploymentAllow', { list: settings.deploymentAllow.join('，') })}
                </div>
              )}
            </>
          }
        >
          <Input.TextArea
            id="allow"
            rows={4}
            placeholder={'robot-gw.campus.edu.cn\n10.20.0.0/16'}
            aria-label={t('outbound.allow')}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('outbound.save')}
        </Button>
      </Form>
    </div>
  );
}
