import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { checkPassword, type PasswordProblem } from '../../../shared/password-policy';
import { authApi } from '../../../shared/api/auth';
import { ApiError, call } from '../../api/client';
import type { SessionResponse } from '../../api/types';
import { SignedInCorner } from '../../components/SignedInCorner';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../../shared/i18n/messages';

const rules: [PasswordProblem, MessageKey][] = [
  ['too_short', 'password.rule.length'],
  ['too_few_kinds', 'password.rule.kinds'],
  ['contains_username', 'password.rule.username'],
];

export default function ChangePasswordPage({
  session,
  onChanged,
  onSignOut,
}: {
  session: SessionResponse;
  onChanged(): void;
  onSignOut(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const newPassword: string = Form.useWatch('newPassword', form) ?? '';
  const problems = checkPassword(newPassword, session.user.username);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { currentPassword: string; newPassword: string }) {
    setBusy(true);
    setError(null);
    try {
      await call(authApi.changePassword, {
        body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
      message.success(t('password.done'));
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error.network'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered-page">
      <SignedInCorner onSignOut={onSignOut} />
      <Card style={{ width: 420, maxWidth: '100%' }}>
        <Typography.Title level={3}>{t('password.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('password.why')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="currentPassword"
            label={t('password.current')}
            rules={[
              { required: true, message: t('signIn.required', { field: t('password.current') }) },
            ]}
          >
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            rules={[
              {
                required: true,
                validator: async () => {
                  if (problems.length)
                    throw new Error(t(rules.find(([problem]) => problems.includes(problem))![1]));
                },
              },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ul className="password-rules" aria-live="polite">
            {rules.map(([problem, label]) => {
              const typed = newPassword.length > 0;
              const met = typed && !problems.includes(problem);
              const color = met ? '#389e0d' : typed ? '#cf1322' : undefined;
              return (
                <li key={problem} style={{ color }}>
                  {met ? (
                    <CheckCircleFilled />
                  ) : (
                    <CloseCircleOutlined style={{ color: color ?? '#bfbfbf' }} />
                  )}{' '}
                  {t(label)}
                </li>
              );
            })}
          </ul>
          <Form.Item
            name="repeat"
            label={t('password.repeat')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('signIn.required', { field: t('password.repeat') }) },
              ({ getFieldValue }) => ({
                validator: async (_rule, value) => {
                  if (value && value !== getFieldValue('newPassword'))
                    throw new Error(t('password.mismatch'));
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
