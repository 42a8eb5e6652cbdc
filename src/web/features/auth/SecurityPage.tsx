import { LogoutOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Space, Tag, Typography } from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { authApi } from '../../../shared/api/auth';
import { ApiError, call } from '../../api/client';
import type { SessionResponse, TotpEnrolment, UserView } from '../../api/types';
import { useI18n } from '../../i18n';
import { mayDisableOwnTotp, mustEnrolTotp } from '../../../shared/powers';

/** A base32 secret as people copy it by hand: groups of four. */
function grouped(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

/**
 * The otpauth URI as a QR code for the authenticator app to scan, drawn in the browser (the
 * secret never leaves it for an image service).
 */
function EnrolmentQrCode({ uri }: { uri: string }) {
  const { t } = useI18n();
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 200 })
      .then(
        (svg) => live && setImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      )
      .catch(() => live && setImage(null));
    return () => {
      live = false;
    };
  }, [uri]);
  if (!image) return null;
  return (
    <img
      src={image}
      width={200}
      height={200}
      alt={t('security.totp.qr')}
      data-testid="totp-qr"
      style={{ display: 'block', margin: '8px 0 12px', border: '1px solid #f0f0f0' }}
    />
  );
}

function CodeForm({
  label,
  submitLabel,
  danger,
  onCode,
}: {
  label: string;
  submitLabel: string;
  danger?: boolean;
  onCode(code: string): Promise<void>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ code: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit({ code }: { code: string }) {
    setBusy(true);
    setError(null);
    try {
      await onCode(code.replace(/\s/g, ''));
      form.resetFields();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error.network'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Form form={form} layout="inline" onFinish={submit} requiredMark={false} style={{ rowGap: 8 }}>
      <Form.Item
        name="code"
        label={label}
        rules={[
          { required: true, pattern: /^\s*\d{3}\s?\d{3}\s*$/, message: t('signIn.codeFormat') },
        ]}
      >
        <Input
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          style={{ width: 120 }}
          data-testid="totp-code"
        />
      </Form.Item>
      <Button
        htmlType="submit"
        type={danger ? 'default' : 'primary'}
        danger={danger}
        loading={busy}
      >
        {submitLabel}
      </Button>
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ width: '100%', marginTop: 8 }}
          data-testid="totp-error"
        />
      )}
    </Form>
  );
}

/** Two-step verification and signing out of every device: what a person can do for their own account. */
export default function SecurityPage({
  session,
  onSignOut,
  onChanged,
}: {
  session: SessionResponse;
  onSignOut(): void;
  onChanged?(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [user, setUser] = useState<UserView>(session.user);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [starting, setStarting] = useState(false);
  const [currentPassword, setCurrentPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setStarting(true);
    setError(null);
    try {
      setEnrolment(await call(authApi.totpStart, { body: { currentPassword } }));
      setCurrentPassword('');
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error.network'));
    } finally {
      setStarting(false);
    }
  }

  async function confirm(code: string) {
    setUser(await call(authApi.totpConfirm, { body: { code } }));
    setEnrolment(null);
    message.success(t('security.totp.enabled'));
    onChanged?.();
  }

  async function disable(code: string) {
    setUser(await call(authApi.totpDisable, { body: { code } }));
    message.success(t('security.totp.disabled'));
  }

  async function signOutEverywhere() {
    await call(authApi.signOutEverywhere).catch(() => undefined);
    onSignOut();
  }

  return (
    <div style={{ maxWidth: 760 }}>
      <Typography.Title level={3}>{t('security.title')}</Typography.Title>
      {mustEnrolTotp(user) && (
        <Alert
          type="warning"
          showIcon
          message={t('security.totp.required')}
          style={{ marginBottom: 16 }}
          data-testid="totp-required"
        />
      )}
      <Card
        title={
          <Space>
            <SafetyCertificateOutlined />
            {t('security.totp.title')}
            {user.totpEnabled && (
              <Tag color="green" data-testid="totp-on">
                ✓
              </Tag>
            )}
          </Space>
        }
        style={{ marginBottom: 16 }}
      >
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        {user.totpEnabled ? (
          <>
            <Typography.Paragraph>{t('security.totp.on')}</Typography.Paragraph>
            {mayDisableOwnTotp(user.role) && (
              <>
                <Typography.Paragraph type="secondary">
                  {t('security.totp.disableHint')}
                </Typography.Paragraph>
                <CodeForm
                  label={t('security.totp.code')}
                  submitLabel={t('security.totp.disable')}
                  danger
                  onCode={disable}
                />
              </>
            )}
          </>
        ) : enrolment ? (
          <>
            <Typography.Paragraph>{t('security.totp.add')}</Typography.Paragraph>
            <EnrolmentQrCode uri={enrolment.otpauthUri} />
            <Typography.Paragraph>
              <Typography.Text strong>{t('security.totp.uri')}: </Typography.Text>
              <Typography.Link
                href={enrolment.otpauthUri}
                copyable={{ text: enrolment.otpauthUri }}
                style={{ wordBreak: 'break-all' }}
              >
                {enrolment.otpauthUri}
              </Typography.Link>
            </Typography.Paragraph>
            <Typography.Paragraph>
              <Typography.Text strong>{t('security.totp.secret')}: </Typography.Text>
              <Typography.Text
                code
                copyable={{ text: enrolment.secret }}
                style={{ fontSize: 16, letterSpacing: 1 }}
                data-testid="totp-secret"
              >
                {grouped(enrolment.secret)}
              </Typography.Text>
            </Typography.Paragraph>
            <Alert
              type="warning"
              showIcon
              message={t('security.totp.once')}
              style={{ marginBottom: 16 }}
            />
            <CodeForm
              label={t('security.totp.code')}
              submitLabel={t('security.totp.confirm')}
              onCode={confirm}
            />
          </>
        ) : (
          <>
            <Typography.Paragraph>{t('security.totp.off')}</Typography.Paragraph>
            <Space wrap>
              <Input.Password
                aria-label={t('security.totp.currentPassword')}
                placeholder={t('security.totp.currentPassword')}
                autoComplete="current-password"
                value={currentPassword}
                onChange={(event) => setCurrentPassword(event.target.value)}
                onPressEnter={start}
                style={{ width: 260 }}
                data-testid="totp-current-password"
              />
              <Button
                type="primary"
                onClick={start}
                loading={starting}
                disabled={currentPassword === ''}
              >
                {t('security.totp.start')}
              </Button>
            </Space>
          </>
        )}
      </Card>
      <Card title={t('security.everywhere.title')}>
        <Typography.Paragraph>{t('security.everywhere.hint')}</Typography.Paragraph>
        <Popconfirm title={t('security.everywhere.confirm')} onConfirm={signOutEverywhere}>
          <Button danger icon={<LogoutOutlined />}>
            {t('security.everywhere')}
          </Button>
        </Popconfirm>
      </Card>
    </div>
  );
}
