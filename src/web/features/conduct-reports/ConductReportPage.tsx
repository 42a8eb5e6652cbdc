import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useState } from 'react';
import {
  conductReportsApi,
  type ConductReportFollow,
  type ReportAttachment,
} from '../../../shared/api/conduct-reports';
import { ApiError, call } from '../../api/client';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useI18n } from '../../i18n';
import { formatTime } from '../../time';

const MAX_FILES = 3;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A chosen file as the report's attachment: its name and its bytes in base64. */
async function toAttachment(file: File): Promise<ReportAttachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return { fileName: file.name, contentBase64: btoa(binary) };
}

function useErrorText() {
  const { t } = useI18n();
  return (caught: unknown) => (caught instanceof ApiError ? caught.message : t('error.network'));
}

function FilePicker({
  files,
  onChange,
}: {
  files: UploadFile[];
  onChange(files: UploadFile[]): void;
}) {
  const { t } = useI18n();
  return (
    <Upload
      multiple
      fileList={files}
      beforeUpload={() => false}
      maxCount={MAX_FILES}
      onChange={({ fileList }) => onChange(fileList.slice(0, MAX_FILES))}
    >
      <Button>{t('conductReport.attach')}</Button>
    </Upload>
  );
}

async function attachmentsOf(files: UploadFile[]): Promise<ReportAttachment[] | 'too_large'> {
  const chosen = files
    .map((file) => file.originFileObj)
    .filter((file): file is NonNullable<typeof file> => !!file);
  if (chosen.some((file) => file.size > MAX_FILE_BYTES)) return 'too_large';
  return Promise.all(chosen.map(toAttachment));
}

interface SubmitValues {
  teacher: string;
  what: string;
  when?: string;
  contact?: string;
}

function SubmitPart({ onReceipt }: { onReceipt(receipt: string): void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [institutions, setInstitutions] = useState<{ id: string; name: string }[] | null>(null);
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [form] = Form.useForm<SubmitValues>();

  useEffect(() => {
    call(conductReportsApi.institutions).then(
      (list) => {
        setInstitutions(list);
        const asked = new URLSearchParams(window.location.search).get('o');
        const chosen =
          list.find((item) => item.id === asked) ?? (list.length === 1 ? list[0] : undefined);
        if (chosen) setOrganizationId(chosen.id);
      },
      (caught: unknown) => setLoadError(caught),
    );
  }, []);

  async function submit(values: SubmitValues) {
    if (!organizationId) {
      setError(t('conductReport.chooseInstitution'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const attachments = await attachmentsOf(files);
      if (attachments === 'too_large') {
        setError(t('conductReport.fileTooLarge'));
        return;
      }
      const result = await call(conductReportsApi.submit, {
        params: { organizationId },
        body: {
          teacher: values.teacher,
          what: values.what,
          when: values.when ?? '',
          contact: values.contact ?? '',
          ...(attachments.length ? { attachments } : {}),
        },
      });
      setReceipt(result.receipt);
      onReceipt(result.receipt);
      form.resetFields();
      setFiles([]);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  if (receipt)
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert
          type="success"
          showIcon
          message={t('conductReport.received')}
          description={t('conductReport.writeItDown')}
        />
        <Typography.Paragraph
          copyable={{ text: receipt }}
          data-testid="conduct-receipt"
          style={{ fontSize: 20, fontFamily: 'monospace', wordBreak: 'break-all' }}
        >
          {receipt}
        </Typography.Paragraph>
        <Button onClick={() => setReceipt(null)}>{t('conductReport.another')}</Button>
      </Space>
    );

  return (
    <>
      <Alert
        type="info"
        showIcon
        message={t('conductReport.anonymous')}
        style={{ marginBottom: 16 }}
      />
      {loadError !== null && (
        <Alert type="error" showIcon message={errorText(loadError)} style={{ marginBottom: 16 }} />
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        {institutions && institutions.length > 1 && (
          <Form.Item label={t('conductReport.institution')} required>
            <Select
              value={organizationId ?? undefined}
              onChange={setOrganizationId}
              options={institutions.map((item) => ({ value: item.id, label: item.name }))}
              placeholder={t('conductReport.chooseInstitution')}
            />
          </Form.Item>
        )}
        <Form.Item
          name="teacher"
          label={t('conductReport.teacher')}
          rules={[
            { required: true, whitespace: true, message: t('conductReport.teacherRequired') },
          ]}
        >
          <Input maxLength={200} placeholder={t('conductReport.teacherHint')} />
        </Form.Item>
        <Form.Item
          name="what"
          label={t('conductReport.what')}
          rules={[{ required: true, whitespace: true, message: t('conductReport.whatRequired') }]}
        >
          <Input.TextArea rows={6} maxLength={10_000} placeholder={t('conductReport.whatHint')} />
        </Form.Item>
        <Form.Item name="when" label={t('conductReport.when')}>
          <Input maxLength={200} placeholder={t('conductReport.whenHint')} />
        </Form.Item>
        <Form.Item
          label={t('conductReport.attachments')}
          extra={t('conductReport.attachmentsHint')}
        >
          <FilePicker files={files} onChange={setFiles} />
        </Form.Item>
        <Form.Item
          name="contact"
          label={t('conductReport.contact')}
          extra={t('conductReport.contactHint')}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('conductReport.submit')}
        </Button>
      </Form>
    </>
  );
}

function FollowPart({ initialReceipt }: { initialReceipt: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [receipt, setReceipt] = useState(initialReceipt);
  const [view, setView] = useState<ConductReportFollow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState('');
  const [files, setFiles] = useState<UploadFile[]>([]);

  useEffect(() => setReceipt(initialReceipt), [initialReceipt]);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      setView(await call(conductReportsApi.follow, { body: { receipt } }));
    } catch (caught) {
      setView(null);
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  async function add() {
    setBusy(true);
    setError(null);
    try {
      const attachments = await attachmentsOf(files);
      if (attachments === 'too_large') {
        setError(t('conductReport.fileTooLarge'));
        return;
      }
      setView(
        await call(conductReportsApi.addInformation, {
          body: { receipt, text: answer, ...(attachments.length ? { attachments } : {}) },
        }),
      );
      setAnswer('');
      setFiles([]);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('conductReport.followHint')}</Typography.Paragraph>
      <Input
        value={receipt}
        onChange={(event) => setReceipt(event.target.value)}
        placeholder={t('conductReport.receipt')}
        aria-label={t('conductReport.receipt')}
        autoComplete="off"
      />
      <Button
        type="primary"
        onClick={open}
        loading={busy}
        disabled={receipt.trim().length < 16}
        block
      >
        {t('conductReport.follow')}
      </Button>
      {error && <Alert type="error" showIcon message={error} />}
      {view && (
        <Card size="small" data-testid="conduct-follow">
          <Typography.Paragraph>
            {t('conductReport.state')}:{' '}
            <Tag
              color={view.state === 'closed' ? 'default' : 'processing'}
              data-testid="conduct-state"
            >
              {t(`conductCase.state.${view.state}`)}
            </Tag>
            {view.outcome && <Tag>{t(`conductCase.outcome.${view.outcome}`)}</Tag>}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary">
            {t('conductReport.receivedAt', { time: formatTime(view.receivedAt) })}
            {view.closedAt
              ? ` · ${t('conductReport.closedAt', { time: formatTime(view.closedAt) })}`
              : ''}
          </Typography.Paragraph>
          {view.messages.length === 0 ? (
            <Typography.Paragraph type="secondary">
              {t('conductReport.noMessages')}
            </Typography.Paragraph>
          ) : (
            view.messages.map((message) => (
              <Alert
                key={`${message.at}-${message.from}`}
                type={message.from === 'handler' ? 'warning' : 'info'}
                style={{ marginBottom: 8, whiteSpace: 'pre-wrap' }}
                message={`${t(`conductReport.from.${message.from}`)} · ${formatTime(message.at)}`}
                description={message.text}
              />
            ))
          )}
          {view.state !== 'closed' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea
                rows={4}
                value={answer}
                maxLength={10_000}
                onChange={(event) => setAnswer(event.target.value)}
                placeholder={t('conductReport.addHint')}
                aria-label={t('conductReport.add')}
              />
              <FilePicker files={files} onChange={setFiles} />
              <Button onClick={add} loading={busy} disabled={!answer.trim()} block>
                {t('conductReport.add')}
              </Button>
            </Space>
          )}
        </Card>
      )}
    </Space>
  );
}

/** 师德师风监督举报: the public page (no account) to file a report and to follow it with the receipt. */
export default function ConductReportPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState('submit');
  const [lastReceipt, setLastReceipt] = useState('');
  return (
    <div className="centered-page" style={{ alignItems: 'flex-start', padding: '48px 12px 24px' }}>
      <div style={{ position: 'absolute', top: 12, right: 12 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 640, maxWidth: '100%' }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('conductReport.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('conductReport.intro')}</Typography.Paragraph>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'submit',
              label: t('conductReport.tabSubmit'),
              children: <SubmitPart onReceipt={setLastReceipt} />,
            },
            {
              key: 'follow',
              label: t('conductReport.tabFollow'),
              children: <FollowPart initialReceipt={lastReceipt} />,
            },
          ]}
        />
        <Button type="link" href="/" style={{ paddingLeft: 0 }}>
          {t('conductReport.toSignIn')}
        </Button>
      </Card>
    </div>
  );
}
