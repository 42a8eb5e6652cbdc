import {
  BankOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Divider, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { authApi } from '../../../shared/api/auth';
import { type SignInProvider, ssoSignInApi } from '../../../shared/api/sso-sign-in';
import { ApiError, call } from '../../api/client';
import type { SessionResponse } from '../../api/types';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useI18n } from '../../i18n';

export function SignInPage({ onSignedIn }: { onSignedIn(session: SessionResponse): void }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  // Set when the password was right and the account takes a code from an authenticator too.
  const [needsCode, setNeedsCode] = useState(false);
  const [form] = Form.useForm<{ username: string; password: string; totpCode?: string }>();
  // A campus sign-on comes back here: with ?ssoError=<code> when it failed, or ?ssoStep=totp when a code is still owed.
  const [landing] = useState(() => new URLSearchParams(window.location.search));
  const [ssoTotp, setSsoTotp] = useState(() => landing.get('ssoStep') === 'totp');
  const [providers, setProviders] = useState<SignInProvider[]>([]);
  const ssoError = landing.get('ssoError');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!ssoError) return;
    // The error catalogue (every code in two languages) is only fetched when a campus sign-on failed.
    import('../../../shared/errors').then(
      ({ errorCatalogue, formatErrorMessage }) =>
        setError(
          formatErrorMessage(
            Object.hasOwn(errorCatalogue, ssoError)
              ? (ssoError as keyof typeof errorCatalogue)
              : 'internal',
            {},
            locale,
          ),
        ),
      () => setError(ssoError), // the catalogue could not be fetched: the code rather than silence
    );
  }, [ssoError, locale]);

  useEffect(() => {
    if (landing.has('ssoError') || landing.has('ssoStep'))
      window.history.replaceState(null, '', window.location.pathname);
    call(ssoSignInApi.providers).then(setProviders, () => setProviders([]));
  }, [landing]);

  async function submit(values: { username: string; password: string; totpCode?: string }) {
    setBusy(true);
    setError(null);
    const totpCode = values.totpCode?.replace(/\s/g, '');
    try {
      onSignedIn(
        ssoTotp
          ? await call(ssoSignInApi.secondFactor, { body: { totpCode: totpCode ?? '' } })
          : await call(authApi.signIn, {
              body: {
                username: values.username,
                password: values.password,
                ...(needsCode && totpCode ? { totpCode } : {}),
              },
            }),
      );
    } catch (caught) {
      if (caught instanceof ApiError && ssoTotp && caught.code !== 'auth.totp_invalid') {
        // The campus sign-on's step expired or the account locked: start again from the buttons.
        setSsoTotp(false);
        setError(caught.message);
      } else if (caught instanceof ApiError && caught.code === 'auth.totp_required') {
        setNeedsCode(true);
      } else {
        setError(caught instanceof ApiError ? caught.message : t('error.network'));
        if (caught instanceof ApiError && caught.code !== 'auth.totp_invalid') {
          setNeedsCode(false);
          form.setFieldValue('totpCode', undefined);
        } else {
          form.resetFields(['totpCode']);
        }
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered-page">
      <div style={{ position: 'absolute', top: 12, right: 12 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Typography.Title level={2} style={{ marginBottom: 0, color: '#b4232a' }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
        <Typography.Title level={4}>{t('signIn.title')}</Typography.Title>
        {error && (
          <Alert
            type="error"
            showIcon
            message={error}
            style={{ marginBottom: 16 }}
            data-testid="sign-in-error"
          />
        )}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('signIn.username')}
            hidden={needsCode || ssoTotp}
            rules={[
              {
                required: !ssoTotp,
                message: t('signIn.required', { field: t('signIn.username') }),
              },
            ]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('signIn.password')}
            hidden={needsCode || ssoTotp}
            rules={[
              {
                required: !ssoTotp,
                message: t('signIn.required', { field: t('signIn.password') }),
              },
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {(needsCode || ssoTotp) && (
            <>
              <Alert
                type="info"
                showIcon
                message={t(ssoTotp ? 'signIn.ssoTotpHint' : 'signIn.totpHint')}
                style={{ marginBottom: 16 }}
                data-testid="totp-hint"
              />
              <Form.Item
                name="totpCode"
                label={t('signIn.totpCode')}
                rules={[
                  {
                    required: true,
                    pattern: /^\s*\d{3}\s?\d{3}\s*$/,
                    message: t('signIn.codeFormat'),
                  },
                ]}
              >
                <Input
                  prefix={<SafetyCertificateOutlined />}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={7}
                  autoFocus
                  data-testid="sign-in-totp"
                />
              </Form.Item>
            </>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn.submit')}
          </Button>
          {(needsCode || ssoTotp) && (
            <Button
              type="link"
              block
              style={{ marginTop: 8 }}
              onClick={() => {
                setNeedsCode(false);
                setSsoTotp(false);
                setError(null);
                form.resetFields();
              }}
            >
              {t(ssoTotp ? 'signIn.ssoStartOver' : 'signIn.back')}
            </Button>
          )}
        </Form>
        {providers.length > 0 && !needsCode && !ssoTotp && (
          <>
            <Divider plain style={{ fontSize: 13 }}>
              {t('signIn.ssoDivider')}
            </Divider>
            {providers.map((provider) => (
              <Button
                key={provider.id}
                block
                icon={<BankOutlined />}
                href={provider.startUrl}
                style={{ marginBottom: 8 }}
                data-testid="sso-button"
              >
                {new Set(providers.map((each) => each.organizationName)).size > 1
                  ? t('signIn.ssoButtonOf', {
                      name: provider.displayName,
                      organization: provider.organizationName,
                    })
                  : t('signIn.ssoButton', { name: provider.displayName })}
              </Button>
            ))}
          </>
        )}
        <Typography.Paragraph
          type="secondary"
          style={{ marginTop: 16, marginBottom: 0, fontSize: 13 }}
        >
          {t('signIn.hint')}
        </Typography.Paragraph>
        <Divider style={{ margin: '12px 0' }} />
        <Typography.Link href="/conduct-report" data-testid="conduct-report-link">
          {t('signIn.conductReport')}
        </Typography.Link>
      </Card>
    </div>
  );
}
