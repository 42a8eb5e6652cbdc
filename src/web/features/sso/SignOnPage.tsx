import {
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  ssoApi,
  ssoCreatableRoles,
  tokenAuthMethods,
  type CreateIdentityProviderBody,
  type IdentityProviderView,
} from '../../../shared/api/sso';
import type { MessageKey } from '../../../shared/i18n/messages';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';
import { TestResults, TestSignInButton, testIdOfAddress, useTestFinished } from './TestSignIn';

type Fields = Omit<CreateIdentityProviderBody, 'oidcClientSecret'> & { oidcClientSecret?: string };

const blank: Fields = {
  kind: 'cas',
  displayName: '统一身份认证',
  enabled: true,
  casBaseUrl: '',
  casVersion: '3.0',
  oidcIssuer: '',
  oidcClientId: '',
  oidcTokenAuth: 'client_secret_post',
  oidcScopes: 'openid profile email',
  mapping: { campusId: '', displayName: 'name', email: 'email', department: 'department' },
  allowAccountCreation: false,
  defaultRole: 'liaison',
};

const orNull = (text: string | null | undefined) => (text && text.trim() ? text.trim() : null);

/** The form's values as the API takes them: the other protocol's fields emptied, an empty secret left out (kept). */
function body(fields: Fields) {
  const cas = fields.kind === 'cas';
  return {
    displayName: fields.displayName,
    enabled: fields.enabled,
    casBaseUrl: cas ? orNull(fields.casBaseUrl) : null,
    casVersion: cas ? (fields.casVersion ?? null) : null,
    oidcIssuer: cas ? null : orNull(fields.oidcIssuer),
    oidcClientId: cas ? null : orNull(fields.oidcClientId),
    ...(!cas && fields.oidcClientSecret ? { oidcClientSecret: fields.oidcClientSecret } : {}),
    oidcTokenAuth: fields.oidcTokenAuth,
    oidcScopes: fields.oidcScopes,
    mapping: fields.mapping,
    allowAccountCreation: fields.allowAccountCreation,
    defaultRole: fields.defaultRole,
  };
}

function ProviderForm({
  editing,
  onDone,
}: {
  editing: IdentityProviderView | null;
  onDone(): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  const [form] = Form.useForm<Fields>();
  const kind = Form.useWatch('kind', form) ?? editing?.kind ?? 'cas';
  const issuer = Form.useWatch('oidcIssuer', form);
  const displayName = Form.useWatch('displayName', form);
  const initial: Fields = editing
    ? {
        ...editing,
        casBaseUrl: editing.casBaseUrl ?? '',
        casVersion: editing.casVersion ?? '3.0',
        oidcIssuer: editing.oidcIssuer ?? '',
        oidcClientId: editing.oidcClientId ?? '',
      }
    : blank;

  async function save(fields: Fields) {
    const done = await run(async () => {
      const saved = editing
        ? await call(ssoApi.updateProvider, {
            params: { providerId: editing.id },
            body: { version: editing.version, ...body(fields) },
          })
        : await call(ssoApi.createProvider, { body: { kind: fields.kind, ...body(fields) } });
      return t('signOn.saved', { name: saved.displayName });
    });
    if (done) onDone();
  }

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={save}
      requiredMark={false}
      data-testid="sign-on-form"
    >
      <Form.Item name="kind" label={t('signOn.kind')}>
        <Radio.Group
          disabled={Boolean(editing)}
          options={[
            { value: 'cas', label: t('signOn.kind.cas') },
            { value: 'oidc', label: t('signOn.kind.oidc') },
          ]}
          optionType="button"
        />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('signOn.displayName')}
        extra={t('signOn.displayNameHint', { name: displayName ?? '' })}
        rules={[{ required: true, max: 50 }]}
      >
        <Input />
      </Form.Item>
      {kind === 'cas' ? (
        <>
          <Form.Item
            name="casBaseUrl"
            label={t('signOn.casBaseUrl')}
            extra={t('signOn.casBaseUrlHint')}
            rules={[{ required: true, type: 'url' }]}
          >
            <Input placeholder="https://cas.example.edu.cn/cas" />
          </Form.Item>
          <Form.Item
            name="casVersion"
            label={t('signOn.casVersion')}
            extra={t('signOn.casVersionHint')}
          >
            <Radio.Group options={['3.0', '2.0']} optionType="button" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item
            name="oidcIssuer"
            label={t('signOn.oidcIssuer')}
            extra={t('signOn.oidcIssuerHint', { issuer: issuer || 'https://…' })}
            rules={[{ required: true, type: 'url' }]}
          >
            <Input placeholder="https://idp.example.edu.cn" />
          </Form.Item>
          <Form.Item
            name="oidcClientId"
            label={t('signOn.oidcClientId')}
            rules={[{ required: true }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="oidcClientSecret"
            label={t('signOn.oidcClientSecret')}
            rules={[{ required: !editing?.oidcClientSecretSet }]}
          >
            <Input.Password
              autoComplete="new-password"
              placeholder={editing?.oidcClientSecretSet ? t('signOn.oidcClientSecretKept') : ''}
            />
          </Form.Item>
          <Form.Item name="oidcTokenAuth" label={t('signOn.oidcTokenAuth')}>
            <Select
              options={tokenAuthMethods.map((method) => ({ value: method, label: method }))}
            />
          </Form.Item>
          <Form.Item name="oidcScopes" label={t('signOn.oidcScopes')}>
            <Input />
          </Form.Item>
        </>
      )}
      <Typography.Title level={5}>{t('signOn.mapping')}</Typography.Title>
      <Form.Item
        name={['mapping', 'campusId']}
        label={t('signOn.mapping.campusId')}
        extra={t('signOn.mapping.campusIdHint')}
      >
        <Input placeholder={kind === 'cas' ? 'cas:user' : 'sub'} />
      </Form.Item>
      <Space wrap>
        <Form.Item name={['mapping', 'displayName']} label={t('signOn.mapping.displayName')}>
          <Input />
        </Form.Item>
        <Form.Item name={['mapping', 'email']} label={t('signOn.mapping.email')}>
          <Input />
        </Form.Item>
        <Form.Item name={['mapping', 'department']} label={t('signOn.mapping.department')}>
          <Input />
        </Form.Item>
      </Space>
      <Form.Item
        name="allowAccountCreation"
        label={t('signOn.allowAccountCreation')}
        extra={t('signOn.allowAccountCreationHint')}
        valuePropName="checked"
      >
        <Switch />
      </Form.Item>
      <Form.Item
        name="defaultRole"
        label={t('signOn.defaultRole')}
        extra={t('signOn.defaultRoleHint')}
      >
        <Select
          options={ssoCreatableRoles.map((role) => ({
            value: role,
            label: t(`role.${role}` as MessageKey),
          }))}
        />
      </Form.Item>
      <Form.Item name="enabled" label={t('signOn.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="sign-on-save">
          {t('signOn.save')}
        </Button>
        <Button onClick={onDone}>{t('signOn.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** The organization's campus sign-on: what is connected, the callback URL to register, and (for the security admin) editing it. */
export default function SignOnPage({ canEdit, canTest }: { canEdit: boolean; canTest: boolean }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<IdentityProviderView | 'new' | null>(null);
  const [highlight, setHighlight] = useState<string | null>(testIdOfAddress);
  const testFinished = useTestFinished(setHighlight);

  const query = useOperation(ssoApi.config, {});
  const invalidate = useInvalidate();
  const reload = () => invalidate(ssoApi.config);
  const providers = query.data;

  if (query.isError) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  if (!providers) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('signOn.title')}
        extra={
          canEdit && (
            <Button type="primary" onClick={() => setEditing('new')} data-testid="sign-on-add">
              {t('signOn.add')}
            </Button>
          )
        }
      >
        <Typography.Paragraph type="secondary" data-testid="next-step">
          {t('signOn.hint')}
        </Typography.Paragraph>
        {canTest && providers.length > 0 && (
          <Typography.Paragraph type="secondary">{t('signOn.test.hint')}</Typography.Paragraph>
        )}
        {!canEdit && (
          <Alert type="info" showIcon message={t('signOn.readOnly')} style={{ marginBottom: 16 }} />
        )}
        {providers.length === 0 && <Alert type="warning" showIcon message={t('signOn.empty')} />}
      </Card>
      {providers.map((provider) => (
        <Card
          key={provider.id}
          data-testid="sign-on-provider"
          title={
            <Space>
              {provider.displayName}
              <Tag color={provider.enabled ? 'green' : 'default'}>
                {t(provider.enabled ? 'signOn.state.enabled' : 'signOn.state.disabled')}
              </Tag>
            </Space>
          }
          extra={
            (canEdit || canTest) && (
              <Space wrap>
                {canTest && <TestSignInButton provider={provider} onFinished={testFinished} />}
                {canEdit && (
                  <Button onClick={() => setEditing(provider)}>{t('signOn.edit')}</Button>
                )}
              </Space>
            )
          }
        >
          <Descriptions column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label={t('signOn.kind')}>
              {t(`signOn.kind.${provider.kind}`)}
            </Descriptions.Item>
            {provider.kind === 'cas' ? (
              <>
                <Descriptions.Item label={t('signOn.casBaseUrl')}>
                  {provider.casBaseUrl}
                </Descriptions.Item>
                <Descriptions.Item label={t('signOn.casVersion')}>
                  {provider.casVersion}
                </Descriptions.Item>
              </>
            ) : (
              <>
                <Descriptions.Item label={t('signOn.oidcIssuer')}>
                  {provider.oidcIssuer}
                </Descriptions.Item>
                <Descriptions.Item label={t('signOn.oidcClientId')}>
                  {provider.oidcClientId}
                </Descriptions.Item>
              </>
            )}
            <Descriptions.Item label={t('signOn.mapping.campusId')}>
              {provider.mapping.campusId || (provider.kind === 'cas' ? 'cas:user' : 'sub')}
            </Descriptions.Item>
            <Descriptions.Item label={t('signOn.allowAccountCreation')}>
              {provider.allowAccountCreation
                ? t(`role.${provider.defaultRole}` as MessageKey)
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('signOn.callbackUrl')} span={2}>
              <Typography.Text
                copyable={{ tooltips: [t('signOn.copy'), t('signOn.copied')] }}
                code
                data-testid="callback-url"
              >
                {provider.callbackUrl}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          {canTest && <TestResults provider={provider} highlight={highlight} />}
        </Card>
      ))}
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={Math.min(560, window.innerWidth)}
        destroyOnHidden
        title={editing === 'new' ? t('signOn.add') : editing ? editing.displayName : ''}
      >
        {editing !== null && (
          <ProviderForm
            editing={editing === 'new' ? null : editing}
            onDone={() => {
              setEditing(null);
              void reload();
            }}
          />
        )}
      </Drawer>
    </Space>
  );
}
