import { DownOutlined, DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Dropdown,
  Flex,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { UserView } from '../../../shared/api/auth';
import type { DepartmentView } from '../../../shared/api/contracts';
import type { UserImportResult } from '../../../shared/api/users';
import type { MessageKey } from '../../../shared/i18n/messages';
import { roleFitsOrganization } from '../../../shared/oversight/organization-roles';
import { grantableRoles, mayManageAccount } from '../../../shared/powers';
import { roles, type Role } from '../../../shared/roles';
import { departmentsApi } from '../../../shared/api/departments';
import { usersApi } from '../../../shared/api/users';
import { ApiError, call, hrefOf, upload } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { useI18n } from '../../i18n';
import { errorText } from '../../usePlanTree';
import { formatTime } from '../../time';

type StateFilter = 'all' | 'active' | 'disabled';
type Issued = { name: string; username: string; oneTimePassword: string };
interface UserFields {
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  email: string;
  phone: string;
  disabled: boolean;
}

const roleColors: Record<Role, string> = {
  admin: 'red',
  coordinator: 'purple',
  liaison: 'blue',
  leader: 'gold',
  reviewer: 'green',
  security_admin: 'volcano',
  auditor: 'cyan',
  overseer: 'geekblue',
  case_handler: 'magenta',
};
const roleKey = (role: Role) => `role.${role}` as MessageKey;
const orNull = (text: string | undefined) => (text && text.trim() ? text.trim() : null);

/** Saves bytes the server answered (base64) as a file, in the browser. */
function saveBase64(base64: string, fileName: string, type: string) {
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** The one-time password, shown once, with what to tell the person. */
function PasswordDialog({ issued, onClose }: { issued: Issued | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={issued !== null}
      title={t('users.password.title')}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="password-close">
          {t('users.password.close')}
        </Button>
      }
      destroyOnHidden
    >
      {issued && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="password-dialog">
          <Typography.Text>
            {t('users.password.for', { name: issued.name, username: issued.username })}
          </Typography.Text>
          <Typography.Text
            code
            copyable={{
              text: `${t('users.col.username')}{t('punct.colon')}${issued.username}\n${t('users.password.title')}{t('punct.colon')}${issued.oneTimePassword}\n${t('users.password.tell')}`,
              tooltips: [t('users.password.copy'), t('users.password.copied')],
            }}
            style={{ fontSize: 20, letterSpacing: 1 }}
            data-testid="one-time-password"
          >
            {issued.oneTimePassword}
          </Typography.Text>
          <Alert type="info" showIcon message={t('users.password.tell')} />
          <Typography.Text type="warning">{t('users.password.once')}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}

function UserForm({
  user,
  departments,
  actorRole,
  self,
  onCreated,
  onSaved,
}: {
  user: UserView | null;
  departments: DepartmentView[];
  actorRole: Role;
  self: boolean;
  onCreated(issued: Issued): void;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserFields>();
  const [saving, setSaving] = useState(false);
  const [current, setCurrent] = useState(user);
  const role = Form.useWatch('role', form);
  const required = (field: MessageKey) => ({
    required: true,
    whitespace: true,
    message: t('users.form.required', { field: t(field) }),
  });

  async function save(values: UserFields) {
    setSaving(true);
    try {
      const contact = {
        displayName: values.displayName.trim(),
        role: values.role,
        departmentId: values.departmentId ?? null,
        email: orNull(values.email),
        phone: orNull(values.phone),
      };
      if (current) {
        await call(usersApi.update, {
          params: { id: current.id },
          body: { ...contact, disabled: values.disabled, version: current.version },
        });
        message.success(t('users.saved'));
        onSaved();
      } else {
        const created = await call(usersApi.create, {
          body: { ...contact, username: values.username.trim() },
        });
        onCreated({
          name: created.user.displayName,
          username: created.user.username,
          oneTimePassword: created.oneTimePassword,
        });
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'user.version_conflict') {
        const latest =
          (await call(usersApi.list)).find((candidate) => candidate.id === current?.id) ?? null;
        setCurrent(latest);
        if (latest)
          form.setFieldsValue({ ...latest, email: latest.email ?? '', phone: latest.phone ?? '' });
        message.warning(t('users.conflict'), 6);
      } else {
        message.error(errorText(caught, t('error.network')), 6);
      }
    } finally {
      setSaving(false);
    }
  }

  // 用户管理 is an institution's page: an overseer's account is made in a supervising organization (luoshi CLI).
  const offered = grantableRoles(actorRole).filter((role) =>
    roleFitsOrganization(role, 'institution'),
  );
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={save}
      initialValues={
        current
          ? { ...current, email: current.email ?? '', phone: current.phone ?? '' }
          : {
              role: offered.includes('liaison') ? 'liaison' : offered[0],
              departmentId: null,
              email: '',
              phone: '',
              disabled: false,
            }
      }
    >
      {!current && (
        <Form.Item
          name="username"
          label={t('users.form.username')}
          extra={t('users.form.usernameHint')}
          rules={[
            required('users.form.username'),
            { pattern: /^[A-Za-z0-9._@-]{2,64}$/, message: t('users.form.usernameRule') },
          ]}
        >
          <Input autoFocus autoComplete="off" />
        </Form.Item>
      )}
      <Form.Item
        name="displayName"
        label={t('users.form.displayName')}
        rules={[required('users.form.displayName'), { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="role" label={t('users.form.role')} rules={[{ required: true }]}>
        <Select
          disabled={self}
          options={[...new Set([...offered, ...(current ? [current.role] : [])])].map((entry) => ({
            value: entry,
            label: t(roleKey(entry)),
            disabled: !offered.includes(entry),
          }))}
          data-testid="user-role"
        />
      </Form.Item>
      <Form.Item
        name="departmentId"
        label={t('users.form.department')}
        rules={
          role === 'liaison'
            ? [{ required: true, message: t('users.form.departmentRequired') }]
            : []
        }
      >
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          options={departments.map((department) => ({
            value: department.id,
            label: department.name,
          }))}
          data-testid="user-department"
        />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('users.form.email')}
        rules={[{ type: 'email', message: t('users.form.emailInvalid') }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="phone" label={t('users.form.phone')} rules={[{ max: 40 }]}>
        <Input />
      </Form.Item>
      {current && (
        <Form.Item name="disabled" label={t('users.form.disabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" loading={saving} data-testid="user-save">
        {current ? t('users.form.save') : t('users.form.create')}
      </Button>
    </Form>
  );
}

/** Upload the sheet, see every row checked, confirm, then see (and download) the passwords once. */
function ImportDialog({ onCreated, onClose }: { onCreated(): void; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<UserImportResult | null>(null);
  const [created, setCreated] = useState<UserImportResult | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  async function check(picked: File) {
    setFile(picked);
    setPreview(null);
    setRefusal(null);
    setBusy(true);
    try {
      setPreview(await upload(usersApi.import, picked, { query: { dryRun: 'true' } }));
    } catch (caught) {
      setRefusal(errorText(caught, t('error.network')));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }
  async function confirm() {
    if (!file) return;
    setBusy(true);
    try {
      const result = await upload(usersApi.import, file, { query: { dryRun: 'false' } });
      setCreated(result);
      setPreview(null);
      onCreated();
    } catch (caught) {
      setRefusal(errorText(caught, t('error.network')));
      setPreview(null);
    } finally {
      setBusy(false);
    }
  }
  function download() {
    if (!created?.passwordsXlsx) return;
    saveBase64(
      created.passwordsXlsx,
      `${t('users.import.passwordsFile')}.xlsx`,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    message.success(t('users.import.downloaded'));
  }

  if (created) {
    return (
      <Space direction="vertical" style={{ width: '100%' }} data-testid="import-created">
        <Alert
          type="success"
          showIcon
          message={t('users.import.done', { count: created.users.length })}
        />
        <Button
          type="primary"
          icon={<DownloadOutlined />}
          onClick={download}
          data-testid="download-passwords"
        >
          {t('users.import.download')}
        </Button>
        <Table
          size="small"
          rowKey="username"
          pagination={false}
          scroll={{ y: 320 }}
          dataSource={created.passwords}
          onRow={() => ({ 'data-testid': 'created-password' }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('users.col.username'), dataIndex: 'username' },
            { title: t('users.col.name'), dataIndex: 'displayName' },
            {
              title: t('users.password.title'),
              dataIndex: 'oneTimePassword',
              render: (value: string) => (
                <Typography.Text code copyable>
                  {value}
                </Typography.Text>
              ),
            },
          ]}
        />
        <Typography.Text type="warning">{t('users.import.closeWarning')}</Typography.Text>
        <Button onClick={onClose} data-testid="import-close">
          {t('users.import.close')}
        </Button>
      </Space>
    );
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('users.import.step1')}</Typography.Text>
      <Button
        icon={<DownloadOutlined />}
        href={hrefOf(usersApi.template)}
        download
        data-testid="download-template"
      >
        {t('users.template')}
      </Button>
      <Typography.Text>{t('users.import.step2')}</Typography.Text>
      <input
        ref={input}
        type="file"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        style={{ display: 'none' }}
        onChange={(event) => {
          const picked = event.target.files?.[0];
          if (picked) void check(picked);
        }}
        data-testid="import-file"
      />
      <Button icon={<UploadOutlined />} loading={busy} onClick={() => input.current?.click()}>
        {preview || refusal ? t('users.import.again') : t('users.import.pick')}
      </Button>
      {busy && <Typography.Text type="secondary">{t('users.import.checking')}</Typography.Text>}
      {refusal && <Alert type="error" showIcon message={refusal} data-testid="import-verdict" />}
      {preview && (
        <>
          <Alert
            type={preview.problems.length > 0 ? 'error' : 'success'}
            showIcon
            message={
              preview.problems.length > 0
                ? t('users.import.problems', { count: preview.problems.length })
                : t('users.import.ok', { count: preview.entries.length })
            }
            description={
              preview.exampleRow !== null
                ? t('users.import.example', { row: preview.exampleRow })
                : undefined
            }
            data-testid="import-verdict"
          />
          {preview.problems.length > 0 && (
            <Table
              size="small"
              rowKey={(problem) => `${problem.row}-${problem.code}`}
              pagination={false}
              dataSource={preview.problems}
              onRow={() =>
                ({ 'data-testid': 'import-problem' }) as React.HTMLAttributes<HTMLElement>
              }
              columns={[
                { title: t('users.import.row'), dataIndex: 'row', width: 60 },
                { title: t('users.col.username'), dataIndex: 'username', width: 130 },
                { title: t('users.import.problem'), dataIndex: 'message' },
              ]}
            />
          )}
          {preview.entries.length > 0 && (
            <Table
              size="small"
              rowKey="row"
              title={() => t('users.import.toCreate', { count: preview.entries.length })}
              pagination={false}
              scroll={{ y: 300 }}
              dataSource={preview.entries}
              onRow={() => ({ 'data-testid': 'import-entry' }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('users.import.row'), dataIndex: 'row', width: 60 },
                { title: t('users.col.username'), dataIndex: 'username' },
                { title: t('users.col.name'), dataIndex: 'displayName' },
                {
                  title: t('users.col.role'),
                  dataIndex: 'role',
                  render: (role: Role) => t(roleKey(role)),
                },
                {
                  title: t('users.col.department'),
                  dataIndex: 'departmentName',
                  render: (name: string | null) => name ?? '—',
                },
                {
                  title: t('users.col.email'),
                  dataIndex: 'email',
                  render: (email: string | null) => email ?? '—',
                },
              ]}
            />
          )}
          <Button
            type="primary"
            disabled={preview.problems.length > 0 || preview.entries.length === 0}
            loading={busy}
            onClick={confirm}
            data-testid="import-confirm"
          >
            {t('users.import.confirm', { count: preview.entries.length })}
          </Button>
        </>
      )}
    </Space>
  );
}

type Dialog = { kind: 'edit'; user: UserView | null } | { kind: 'import' };

/**
 * The list of accounts: create, edit, disable, reset, sign out; import many from Excel. The system
 * admin manages business accounts; the security admin every account and role, and also unlocks
 * and resets lost authenticators (三权分立, shared/powers.ts).
 */
export default function UsersPage({ actorRole, actorId }: { actorRole: Role; actorId: string }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const usersQuery = useOperation(usersApi.list, {});
  const departmentsQuery = useOperation(departmentsApi.list, {});
  const users = usersQuery.data ?? null;
  const departments = useMemo(() => departmentsQuery.data ?? [], [departmentsQuery.data]);
  const failed = usersQuery.error ?? departmentsQuery.error;
  const invalidate = useInvalidate();
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<Role | 'all'>('all');
  const [departmentId, setDepartmentId] = useState<string>('all');
  const [state, setState] = useState<StateFilter>('all');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  /** Passwords of an import are on screen: closing asks first, they are not shown again. */
  const [passwordsOnScreen, setPasswordsOnScreen] = useState(false);

  const reload = useCallback(async () => {
    await invalidate(usersApi.list, departmentsApi.list);
  }, [invalidate]);
  const names = useMemo(
    () => new Map(departments.map((department) => [department.id, department.name])),
    [departments],
  );

  if (failed && (!users || !departmentsQuery.data))
    return <Alert type="error" showIcon message={errorText(failed, t('error.network'))} />;
  if (!users || !departmentsQuery.data)
    return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const words = query.trim().toLowerCase();
  const shown = users.filter(
    (user) =>
      (role === 'all' || user.role === role) &&
      (departmentId === 'all' ||
        (departmentId === 'none'
          ? user.departmentId === null
          : user.departmentId === departmentId)) &&
      (state === 'all' || user.disabled === (state === 'disabled')) &&
      (!words ||
        [user.displayName, user.username, user.email ?? '', user.phone ?? ''].some((text) =>
          text.toLowerCase().includes(words),
        )),
  );

  async function resetPassword(user: UserView) {
    try {
      const reset = await call(usersApi.resetPassword, { params: { id: user.id } });
      setIssued({
        name: reset.user.displayName,
        username: reset.user.username,
        oneTimePassword: reset.oneTimePassword,
      });
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 6);
    }
    await reload();
  }
  async function unlock(user: UserView) {
    try {
      await call(usersApi.unlock, { params: { id: user.id } });
      message.success(t('users.unlock.done', { name: user.displayName }));
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 6);
    }
    await reload();
  }
  async function resetTotp(user: UserView) {
    try {
      await call(usersApi.resetTotp, { params: { id: user.id } });
      message.success(t('users.resetTotp.done', { name: user.displayName }));
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 6);
    }
    await reload();
  }
  const securityAdmin = actorRole === 'security_admin';
  const locked = (user: UserView) =>
    user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > Date.now();
  async function signOutEverywhere(user: UserView) {
    try {
      await call(usersApi.signOutEverywhere, { params: { id: user.id } });
      message.success(t('users.signOutEverywhere.done', { name: user.displayName }));
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 6);
    }
  }
  function closeDialog() {
    if (dialog?.kind === 'import' && passwordsOnScreen) {
      modal.confirm({
        title: t('users.import.closeWarning'),
        okText: t('users.import.close'),
        onOk: () => {
          setPasswordsOnScreen(false);
          setDialog(null);
        },
      });
      return;
    }
    setDialog(null);
  }

  return (
    <Card
      title={t('users.title')}
      extra={
        <Typography.Text type="secondary" data-testid="users-shown">
          {t('users.shown', { shown: shown.length, total: users.length })}
        </Typography.Text>
      }
    >
      <Typography.Paragraph type="secondary">
        {t(securityAdmin ? 'users.hint.security' : 'users.hint')}
      </Typography.Paragraph>
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('users.search')}
          onChange={(event) => setQuery(event.target.value)}
          style={{ width: 220 }}
          data-testid="users-search"
        />
        <Select
          value={role}
          onChange={setRole}
          style={{ width: 130 }}
          aria-label={t('users.filter.role')}
          options={[
            { value: 'all', label: t('users.filter.allRoles') },
            ...roles.map((entry) => ({ value: entry, label: t(roleKey(entry)) })),
          ]}
          data-testid="users-role-filter"
        />
        <Select
          value={departmentId}
          onChange={setDepartmentId}
          showSearch
          optionFilterProp="label"
          style={{ width: 170 }}
          aria-label={t('users.filter.department')}
          options={[
            { value: 'all', label: t('users.filter.allDepartments') },
            { value: 'none', label: t('users.filter.noDepartment') },
            ...departments.map((department) => ({ value: department.id, label: department.name })),
          ]}
        />
        <Segmented
          value={state}
          onChange={(value) => setState(value as StateFilter)}
          options={(['all', 'active', 'disabled'] as const).map((entry) => ({
            value: entry,
            label: t(`users.filter.state.${entry}`),
          }))}
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setDialog({ kind: 'edit', user: null })}
          data-testid="add-user"
        >
          {t('users.add')}
        </Button>
        {actorRole === 'admin' && (
          <Button
            icon={<UploadOutlined />}
            onClick={() => setDialog({ kind: 'import' })}
            data-testid="import-users"
          >
            {t('users.import')}
          </Button>
        )}
      </Flex>
      <Table<UserView>
        size="small"
        rowKey="id"
        dataSource={shown}
        pagination={shown.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        scroll={{ x: 1060 }}
        onRow={(user) =>
          ({
            'data-testid': 'user-row',
            'data-username': user.username,
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('users.col.name'),
            dataIndex: 'displayName',
            width: 110,
            sorter: (a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'),
            render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
          },
          {
            title: t('users.col.username'),
            dataIndex: 'username',
            width: 120,
            sorter: (a, b) => a.username.localeCompare(b.username),
          },
          {
            title: t('users.col.role'),
            dataIndex: 'role',
            width: 105,
            render: (value: Role) => <Tag color={roleColors[value]}>{t(roleKey(value))}</Tag>,
          },
          {
            title: t('users.col.department'),
            width: 120,
            render: (_value, user) =>
              user.departmentId ? (names.get(user.departmentId) ?? '—') : '—',
            sorter: (a, b) =>
              (names.get(a.departmentId ?? '') ?? '').localeCompare(
                names.get(b.departmentId ?? '') ?? '',
                'zh-CN',
              ),
          },
          {
            title: t('users.col.email'),
            dataIndex: 'email',
            ellipsis: { showTitle: true },
            render: (email: string | null) => email ?? '—',
          },
          {
            title: t('users.col.phone'),
            dataIndex: 'phone',
            width: 115,
            render: (phone: string | null) => phone ?? '—',
          },
          {
            title: t('users.col.lastSignIn'),
            width: 160,
            render: (_value, user) =>
              user.lastSignInAt ? (
                formatTime(user.lastSignInAt)
              ) : (
                <Typography.Text type="secondary">{t('users.never')}</Typography.Text>
              ),
            sorter: (a, b) => (a.lastSignInAt ?? '').localeCompare(b.lastSignInAt ?? ''),
          },
          {
            title: t('users.col.state'),
            width: 100,
            render: (_value, user) => (
              <Space size={2} wrap>
                {user.disabled ? (
                  <Tag color="default">{t('users.state.disabled')}</Tag>
                ) : user.mustChangePassword ? (
                  <Tag color="warning">{t('users.state.mustChange')}</Tag>
                ) : (
                  <Tag color="success">{t('users.state.active')}</Tag>
                )}
                {user.totpEnabled && <Tag color="cyan">{t('users.state.totp')}</Tag>}
                {locked(user) && (
                  <Tag color="error" data-testid="user-locked">
                    {t('users.state.locked')}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('users.col.actions'),
            width: 125,
            fixed: 'right',
            render: (_value, user) => {
              const editButton = (
                <Button
                  type="link"
                  size="small"
                  onClick={() => setDialog({ kind: 'edit', user })}
                  data-testid="edit-user"
                >
                  {t('users.edit')}
                </Button>
              );
              // One's own contact details stay one's own to edit, even on a privileged account.
              if (!mayManageAccount(actorRole, user.role))
                return user.id === actorId ? (
                  editButton
                ) : (
                  <Typography.Text
                    type="secondary"
                    style={{ fontSize: 12 }}
                    title={t('users.privileged.hint')}
                  >
                    {t('users.privileged')}
                  </Typography.Text>
                );
              const actions = [
                {
                  key: 'reset',
                  label: t('users.resetPassword'),
                  confirm: t('users.resetPassword.confirm', { name: user.displayName }),
                  run: () => resetPassword(user),
                },
                {
                  key: 'signOut',
                  label: t('users.signOutEverywhere'),
                  confirm: t('users.signOutEverywhere.confirm', { name: user.displayName }),
                  run: () => signOutEverywhere(user),
                },
                ...(securityAdmin && locked(user)
                  ? [
                      {
                        key: 'unlock',
                        label: t('users.unlock'),
                        confirm: t('users.unlock.confirm', { name: user.displayName }),
                        run: () => unlock(user),
                      },
                    ]
                  : []),
                ...(securityAdmin && user.totpEnabled && user.id !== actorId
                  ? [
                      {
                        key: 'resetTotp',
                        label: t('users.resetTotp'),
                        confirm: t('users.resetTotp.confirm', { name: user.displayName }),
                        run: () => resetTotp(user),
                      },
                    ]
                  : []),
              ];
              return (
                <Space size={0}>
                  {editButton}
                  <Dropdown
                    trigger={['click']}
                    menu={{
                      items: actions.map((action) => ({ key: action.key, label: action.label })),
                      onClick: ({ key }) => {
                        const action = actions.find((candidate) => candidate.key === key)!;
                        modal.confirm({ title: action.confirm, onOk: action.run });
                      },
                    }}
                  >
                    <Button type="link" size="small" data-testid="user-more">
                      {t('users.more')} <DownOutlined />
                    </Button>
                  </Dropdown>
                </Space>
              );
            },
          },
        ]}
      />
      <Modal
        open={dialog !== null}
        onCancel={closeDialog}
        footer={null}
        destroyOnHidden
        maskClosable={false}
        width={dialog?.kind === 'import' ? 860 : 520}
        title={
          dialog?.kind === 'import'
            ? t('users.import.title')
            : dialog?.user
              ? t('users.edit.title', { name: dialog.user.displayName })
              : t('users.add')
        }
      >
        {dialog?.kind === 'edit' && (
          <UserForm
            user={dialog.user}
            departments={departments}
            actorRole={actorRole}
            self={dialog.user?.id === actorId}
            onCreated={(created) => {
              setDialog(null);
              setIssued(created);
              void reload();
            }}
            onSaved={() => {
              setDialog(null);
              void reload();
            }}
          />
        )}
        {dialog?.kind === 'import' && (
          <ImportDialog
            onCreated={() => {
              setPasswordsOnScreen(true);
              void reload();
            }}
            onClose={() => {
              setPasswordsOnScreen(false);
              setDialog(null);
            }}
          />
        )}
      </Modal>
      <PasswordDialog issued={issued} onClose={() => setIssued(null)} />
    </Card>
  );
}
