import { InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  InputNumber,
  Result,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import type { ImportPlanResult, InspectPlanResult } from '../../../shared/api/contracts';
import { columnMeanings, type ColumnMeaning } from '../../../shared/plan-import/contract';
import { importsApi } from '../../../shared/api/imports';
import { ApiError, upload } from '../../api/client';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';

type Meaning = ColumnMeaning | null;

/** The import's query: the columns' meanings (`-`: keep as detected) and the header row. */
function importQuery(columns: Meaning[] | null, headerRow: number | null, dryRun: boolean) {
  return {
    dryRun: dryRun ? ('true' as const) : ('false' as const),
    ...(columns ? { columns: columns.map((meaning) => meaning ?? '-').join(',') } : {}),
    ...(headerRow ? { headerRow } : {}),
  };
}

/**
 * 导入工作方案: upload → the table Luoshi found and what each column was taken as → the office
 * changes the header row, the columns' meanings, and sees the tree and the warnings again →
 * import. When no header is recognised the wizard opens on the mapping step.
 */
export default function ImportWizardPage() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [inspected, setInspected] = useState<InspectPlanResult | null>(null);
  const [columns, setColumns] = useState<Meaning[] | null>(null);
  const [headerRow, setHeaderRow] = useState<number | null>(null);
  const [preview, setPreview] = useState<ImportPlanResult | null>(null);
  const [done, setDone] = useState<ImportPlanResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const failed = (caught: unknown) =>
    setError(caught instanceof ApiError ? caught.message : t('error.network'));

  async function previewWith(chosen: File, mapped: Meaning[] | null, row: number | null) {
    setError(null);
    setPreview(null);
    try {
      setPreview(
        await upload(importsApi.importPlan, chosen, { query: importQuery(mapped, row, true) }),
      );
    } catch (caught) {
      failed(caught);
    }
  }

  async function choose(chosen: File) {
    setFile(chosen);
    setDone(null);
    setBusy(true);
    try {
      const found = await upload(importsApi.inspectPlan, chosen);
      setInspected(found);
      const width = Math.max(0, ...found.rows.map((row) => row.length));
      setColumns(found.detected?.columns ?? Array.from({ length: width }, () => null));
      setHeaderRow(found.detected?.headerRow ?? 1);
      if (found.detected) await previewWith(chosen, null, null);
      else setError(t('import.notDetected'));
    } catch (caught) {
      failed(caught);
    } finally {
      setBusy(false);
    }
  }

  async function remap(next: Meaning[], row: number | null) {
    setColumns(next);
    setHeaderRow(row);
    if (file) {
      setBusy(true);
      await previewWith(file, next, row);
      setBusy(false);
    }
  }

  async function importNow() {
    if (!file) return;
    setBusy(true);
    try {
      setDone(
        await upload(importsApi.importPlan, file, {
          query: importQuery(columns, headerRow, false),
        }),
      );
    } catch (caught) {
      failed(caught);
    } finally {
      setBusy(false);
    }
  }

  const step = done ? 3 : preview ? 2 : inspected ? 1 : 0;
  const width = Math.max(0, ...(inspected?.rows.map((row) => row.length) ?? []));
  const meaningOptions = [
    { value: '-', label: t('import.meaning.ignore') },
    ...columnMeanings.map((meaning) => ({ value: meaning, label: t(`import.meaning.${meaning}`) })),
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('import.title')}>
        <Steps
          current={step}
          size="small"
          responsive
          items={[
            { title: t('import.step.upload') },
            { title: t('import.step.map') },
            { title: t('import.step.check') },
            { title: t('import.step.done') },
          ]}
        />
      </Card>
      {error && <Alert type="warning" showIcon message={error} data-testid="import-error" />}
      {done ? (
        <Result
          status="success"
          title={done.created ? t('import.done.created') : t('import.done.again')}
          subTitle={t('import.done.counts', {
            items: done.parse.items.length,
            departments: done.createdDepartments.length,
          })}
          extra={
            <Button type="primary" onClick={() => navigate('/plan')}>
              {t('import.done.open')}
            </Button>
          }
        />
      ) : (
        <Card>
          <Upload.Dragger
            accept=".docx,.xlsx,.doc,.xls,.txt"
            showUploadList={false}
            beforeUpload={(chosen) => {
              void choose(chosen);
              return false;
            }}
            disabled={busy}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>{file ? file.name : t('import.upload.hint')}</p>
            <Typography.Text type="secondary">{t('import.upload.formats')}</Typography.Text>
          </Upload.Dragger>
        </Card>
      )}
      {inspected && !done && columns !== null && (
        <Card
          title={t('import.map.title')}
          extra={
            <Space wrap>
              {t('import.map.headerRow')}
              <InputNumber
                min={1}
                max={inspected.rows.length}
                value={headerRow ?? 1}
                onChange={(value) => value && void remap(columns, value)}
                aria-label={t('import.map.headerRow')}
              />
            </Space>
          }
        >
          <Typography.Paragraph type="secondary">{t('import.map.hint')}</Typography.Paragraph>
          <div style={{ overflowX: 'auto' }}>
            <table className="import-preview" data-testid="import-columns">
              <thead>
                <tr>
                  {Array.from({ length: width }, (_, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions
                    <th key={index}>
                      <Select
                        size="small"
                        showSearch={{ optionFilterProp: 'label' }}
                        style={{ minWidth: 110 }}
                        value={columns[index] ?? '-'}
                        options={meaningOptions}
                        aria-label={t('import.map.column', { n: index + 1 })}
                        onChange={(value: string) => {
                          const next = Array.from({ length: width }, (_, i) => columns[i] ?? null);
                          next[index] = value === '-' ? null : (value as ColumnMeaning);
                          void remap(next, headerRow);
                        }}
                      />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {inspected.rows.map((row, rowIndex) => (
                  <tr
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions
                    key={rowIndex}
                    className={rowIndex + 1 === headerRow ? 'import-header-row' : undefined}
                  >
                    {Array.from({ length: width }, (_, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions
                      <td key={index}>{row[index] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {preview && !done && (
        <Card
          title={t('import.check.title', {
            items: preview.parse.items.length,
            depth: preview.parse.depth,
          })}
          extra={
            <Button type="primary" loading={busy} onClick={() => void importNow()}>
              {t('import.check.import')}
            </Button>
          }
        >
          {preview.parse.warnings.map((warning) => (
            <Alert
              key={warning}
              type="info"
              showIcon
              message={warning}
              style={{ marginBottom: 8 }}
            />
          ))}
          <Table
            size="small"
            rowKey="no"
            scroll={{ x: true }}
            pagination={{ pageSize: 10 }}
            dataSource={preview.parse.items}
            columns={[
              { title: t('import.check.no'), dataIndex: 'no', width: 60 },
              {
                title: t('import.check.path'),
                dataIndex: 'path',
                render: (path: string[]) => path.join(' › ') || '—',
              },
              { title: t('import.check.content'), dataIndex: 'content' },
              {
                title: t('import.check.departments'),
                dataIndex: 'departmentRefs',
                render: (refs: ImportPlanResult['parse']['items'][number]['departmentRefs']) =>
                  refs.map((ref) => (
                    <Tag key={ref.name} color={ref.role === 'lead' ? 'blue' : undefined}>
                      {ref.name}
                    </Tag>
                  )),
              },
              { title: t('import.check.leader'), dataIndex: 'leader' },
              { title: t('import.check.deadline'), dataIndex: 'deadlineRaw' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
