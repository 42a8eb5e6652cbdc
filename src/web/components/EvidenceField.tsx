import {
  DeleteOutlined,
  FileOutlined,
  LinkOutlined,
  PaperClipOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { App, Button, Input, List, Space, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { evidenceApi, type EvidenceView } from '../../shared/api/evidence';
import { formatBytes } from '../../shared/errors';
import { ApiError, call, upload } from '../api/client';
import { useI18n } from '../i18n';

/** What the upload accepts; the server checks the content whatever the name says. */
const ACCEPT = '.pdf,.docx,.xlsx,.pptx,.jpg,.jpeg,.png,.gif,.webp,.txt';

/** A list of evidence (files download, links open in a new tab), read-only. */
export function EvidenceList({
  items,
  onRemove,
  disabled,
}: {
  items: EvidenceView[];
  onRemove?(id: string): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <List
      size="small"
      className="evidence-list"
      dataSource={items}
      renderItem={(item) => (
        <List.Item
          data-testid="evidence-item"
          actions={
            onRemove && !disabled
              ? [
                  <Button
                    key="remove"
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => onRemove(item.id)}
                    aria-label={t('evidence.remove')}
                  >
                    {t('evidence.remove')}
                  </Button>,
                ]
              : []
          }
        >
          <Space size={6} wrap>
            {item.kind === 'file' ? <FileOutlined /> : <LinkOutlined />}
            {item.kind === 'file' ? (
              <a href={item.contentUrl!} download={item.title}>
                {item.title}
              </a>
            ) : (
              <a href={item.url!} target="_blank" rel="noopener noreferrer">
                {item.title}
              </a>
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {item.kind === 'file'
                ? formatBytes(item.sizeBytes ?? 0)
                : new URL(item.url!).hostname}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

/**
 * Evidence (佐证材料) for any form: upload files, add links, see and remove what is attached.
 * Its value is the evidence ids, as every API that cites evidence takes them (`evidenceIds`).
 * `known` are views the page already has (e.g. from a report), so they need not be fetched.
 */
export function EvidenceField({
  value = [],
  onChange,
  departmentId,
  known = [],
  disabled,
}: {
  value?: string[];
  onChange?(ids: string[]): void;
  /** For the coordinating office filing evidence for a department; a liaison's always goes to their own. */
  departmentId?: string;
  known?: EvidenceView[];
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const cache = useRef(new Map<string, EvidenceView>());
  const [, rerender] = useState(0);
  const [uploading, setUploading] = useState(0);
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkTitle, setLinkTitle] = useState('');
  const [linkUrl, setLinkUrl] = useState('');
  const latest = useRef(value);
  latest.current = value;

  for (const item of known) cache.current.set(item.id, item);
  const missing = value.filter((id) => !cache.current.has(id));
  useEffect(() => {
    if (missing.length === 0) return;
    let live = true;
    call(evidenceApi.list, { query: { ids: missing.join(',') } })
      .then(({ items }) => {
        for (const item of items) cache.current.set(item.id, item);
        if (live) rerender((n) => n + 1);
      })
      .catch((caught) =>
        message.error(caught instanceof ApiError ? caught.message : t('error.network')),
      );
    return () => {
      live = false;
    };
  }, [missing.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps

  const add = (item: EvidenceView) => {
    cache.current.set(item.id, item);
    onChange?.([...latest.current.filter((id) => id !== item.id), item.id]);
  };
  const query = departmentId ? { departmentId } : {};

  async function addLink() {
    try {
      add(
        await call(evidenceApi.createLink, {
          body: { title: linkTitle.trim(), url: linkUrl.trim(), ...query },
        }),
      );
      setLinkTitle('');
      setLinkUrl('');
      setLinkOpen(false);
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 6);
    }
  }

  const items = value
    .map((id) => cache.current.get(id))
    .filter((item): item is EvidenceView => item !== undefined);
  return (
    <div className="evidence-field" data-testid="evidence-field">
      <EvidenceList
        items={items}
        onRemove={(id) => onChange?.(latest.current.filter((other) => other !== id))}
        {...(disabled === undefined ? {} : { disabled })}
      />
      {!disabled && (
        <Space wrap style={{ marginTop: 4 }}>
          <Upload
            accept={ACCEPT}
            multiple
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              setUploading((n) => n + 1);
              try {
                const view = await upload(evidenceApi.upload, file as File, { query });
                add(view);
                onSuccess?.(view);
              } catch (caught) {
                message.error(
                  `${(file as File).name}${t('punct.colon')}${caught instanceof ApiError ? caught.message : t('error.network')}`,
                  8,
                );
                onError?.(caught as Error);
              } finally {
                setUploading((n) => n - 1);
              }
            }}
          >
            <Button icon={<UploadOutlined />} loading={uploading > 0} data-testid="evidence-upload">
              {t('evidence.upload')}
            </Button>
          </Upload>
          <Button icon={<PaperClipOutlined />} onClick={() => setLinkOpen(!linkOpen)}>
            {t('evidence.addLink')}
          </Button>
        </Space>
      )}
      {!disabled && linkOpen && (
        <Space.Compact style={{ width: '100%', marginTop: 8 }}>
          <Input
            style={{ width: '35%' }}
            value={linkTitle}
            onChange={(event) => setLinkTitle(event.target.value)}
            placeholder={t('evidence.linkTitle')}
            aria-label={t('evidence.linkTitle')}
            maxLength={200}
          />
          <Input
            value={linkUrl}
            onChange={(event) => setLinkUrl(event.target.value)}
            placeholder="https://"
            aria-label={t('evidence.linkUrl')}
            maxLength={2000}
          />
          <Button
            type="primary"
            disabled={!linkTitle.trim() || !linkUrl.trim()}
            onClick={() => void addLink()}
          >
            {t('evidence.addLinkConfirm')}
          </Button>
        </Space.Compact>
      )}
      {!disabled && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 4 }}>
          {t('evidence.hint')}
        </Typography.Text>
      )}
    </div>
  );
}
