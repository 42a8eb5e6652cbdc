import {
  Alert,
  Button,
  Card,
  Descriptions,
  Input,
  Radio,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { conductReportsApi, type ConductReportDetail } from '../../../shared/api/conduct-reports';
import type { CaseOutcome, CaseState } from '../../../shared/conduct-reports/case-states';
import { hrefOf, upload } from '../../api/client';
import { useInvalidate, useOperation, useWrite } from '../../api/query';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { formatTime } from '../../time';

function MoveForm({ report }: { report: ConductReportDetail }) {
  const { t } = useI18n();
  const move = useWrite(conductReportsApi.transition);
  const [to, setTo] = useState<CaseState | null>(null);
  const [outcome, setOutcome] = useState<CaseOutcome | null>(null);
  const [note, setNote] = useState('');
  if (report.nextStates.length === 0)
    return (
      <Typography.Paragraph type="secondary">{t('conductCase.closedHint')}</Typography.Paragraph>
    );
  const chosen = to ?? report.nextStates[0]!;
  const needsOutcome = chosen === 'determined';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('conductCase.moveTo')}</Typography.Text>
      <Radio.Group
        value={chosen}
        onChange={(event) => setTo(event.target.value as CaseState)}
        optionType="button"
        options={report.nextStates.map((state) => ({
          value: state,
          label: t(`conductCase.state.${state}`),
        }))}
      />
      {needsOutcome && (
        <Radio.Group
          value={outcome}
          onChange={(event) => setOutcome(event.target.value as CaseOutcome)}
          options={(['founded', 'partly', 'unfounded'] as const).map((value) => ({
            value,
            label: t(`conductCase.outcome.${value}`),
          }))}
        />
      )}
      <Input.TextArea
        rows={3}
        value={note}
        maxLength={10_000}
        onChange={(event) => setNote(event.target.value)}
        placeholder={t(`conductCase.noteHint.${chosen}`)}
        aria-label={t('conductCase.note')}
      />
      {move.error && <Alert type="error" showIcon message={move.error.message} />}
      <Button
        type="primary"
        loading={move.isPending}
        disabled={(needsOutcome && !outcome) || (chosen !== 'investigating' && !note.trim())}
        onClick={() =>
          move.mutate(
            {
              params: { id: report.id },
              body: {
                to: chosen,
                ...(needsOutcome && outcome ? { outcome } : {}),
                note,
                version: report.version,
              },
            },
            {
              onSuccess: () => {
                setTo(null);
                setOutcome(null);
                setNote('');
              },
            },
          )
        }
      >
        {t('conductCase.move', { state: t(`conductCase.state.${chosen}`) })}
      </Button>
    </Space>
  );
}

/** On 处理: the decision document (处理决定), sealed like the reporter's files. */
function DecisionUpload({ id }: { id: string }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('conductCase.decisionHint')}</Typography.Text>
      <Upload
        accept=".pdf,.docx"
        showUploadList={false}
        customRequest={async ({ file, onSuccess, onError }) => {
          setBusy(true);
          setError(null);
          try {
            await upload(conductReportsApi.attachDecision, file as File, { params: { id } });
            await invalidate(conductReportsApi.get);
            onSuccess?.(null);
          } catch (refused) {
            setError(refused instanceof Error ? refused.message : String(refused));
            onError?.(new Error('refused'));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Button loading={busy} data-testid="decision-upload">
          {t('conductCase.decisionUpload')}
        </Button>
      </Upload>
      {error && <Alert type="error" showIcon message={error} />}
    </Space>
  );
}

/** The roster teacher the case concerns: searched by name or work number, handlers only. */
function TeacherMatch({ report }: { report: ConductReportDetail }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const roster = useOperation(conductReportsApi.searchRoster, { query: { q } });
  const match = useWrite(conductReportsApi.matchTeacher);
  const matched = report.matchedTeacher;
  const describe = (teacher: NonNullable<ConductReportDetail['matchedTeacher']>) =>
    `${teacher.name} · ${teacher.workNo}${teacher.departmentName ? ` · ${teacher.departmentName}` : ''}`;
  // The matched teacher stays among the options, so the select names them even when a search leaves them out.
  const candidates = roster.data ?? [];
  const options = [
    ...(matched && !candidates.some((teacher) => teacher.id === matched.id) ? [matched] : []),
    ...candidates,
  ].map((teacher) => ({ value: teacher.id, label: describe(teacher) }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text data-testid="matched-teacher">
        {matched ? describe(matched) : t('conductCase.matchNone')}
      </Typography.Text>
      <Select
        showSearch
        allowClear
        filterOption={false}
        style={{ width: '100%', maxWidth: 420 }}
        placeholder={t('conductCase.matchTeacher')}
        aria-label={t('conductCase.matchTeacher')}
        data-testid="teacher-match"
        value={matched?.id ?? null}
        onSearch={setQ}
        loading={roster.isFetching || match.isPending}
        options={options}
        onChange={(teacherId: string | undefined) =>
          match.mutate({
            params: { id: report.id },
            body: { teacherId: teacherId ?? null, version: report.version },
          })
        }
      />
      {(match.error ?? roster.error) && (
        <Alert type="error" showIcon message={(match.error ?? roster.error)?.message} />
      )}
    </Space>
  );
}

function AskForm({ id }: { id: string }) {
  const { t } = useI18n();
  const ask = useWrite(conductReportsApi.answer);
  const [text, setText] = useState('');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.TextArea
        rows={3}
        value={text}
        maxLength={10_000}
        onChange={(event) => setText(event.target.value)}
        placeholder={t('conductCase.askHint')}
        aria-label={t('conductCase.ask')}
      />
      {ask.error && <Alert type="error" showIcon message={ask.error.message} />}
      <Button
        loading={ask.isPending}
        disabled={!text.trim()}
        onClick={() =>
          ask.mutate({ params: { id }, body: { text } }, { onSuccess: () => setText('') })
        }
      >
        {t('conductCase.ask')}
      </Button>
    </Space>
  );
}

/** The custodian rule: ask to see the contact; another handler approves; the contact is then shown to the asker. */
function ContactPart({ report }: { report: ConductReportDetail }) {
  const { t } = useI18n();
  const ask = useWrite(conductReportsApi.requestContact);
  const approve = useWrite(conductReportsApi.approveContact);
  const [reason, setReason] = useState('');
  if (!report.hasContact) return <>{t('conductCase.anonymous')}</>;
  const mine = report.contactRequests.find((request) => request.mine);
  const error = ask.error ?? approve.error;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {report.contact ? (
        <Typography.Text strong data-testid="case-contact">
          {report.contact}
        </Typography.Text>
      ) : mine ? (
        <Typography.Text type="secondary">{t('conductCase.contactWaiting')}</Typography.Text>
      ) : (
        <>
          <Typography.Text type="secondary">{t('conductCase.contactSealed')}</Typography.Text>
          <Input
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            placeholder={t('conductCase.contactReason')}
            aria-label={t('conductCase.contactReason')}
          />
          <Button
            loading={ask.isPending}
            disabled={!reason.trim()}
            onClick={() => ask.mutate({ params: { id: report.id }, body: { reason } })}
          >
            {t('conductCase.contactRequest')}
          </Button>
        </>
      )}
      {report.contactRequests
        .filter((request) => !request.mine)
        .map((request) => (
          <div key={request.id}>
            <Typography.Text type="secondary">
              {t('conductCase.contactAsked', {
                name: request.requesterName,
                time: formatTime(request.requestedAt),
                reason: request.reason,
              })}
            </Typography.Text>{' '}
            {request.approvedAt ? (
              <Tag>{t('conductCase.contactApproved', { name: request.approverName ?? '' })}</Tag>
            ) : (
              <Button
                size="small"
                loading={approve.isPending}
                onClick={() => approve.mutate({ params: { id: report.id, requestId: request.id } })}
              >
                {t('conductCase.contactApprove')}
              </Button>
            )}
          </div>
        ))}
      {error && <Alert type="error" showIcon message={error.message} />}
    </Space>
  );
}

/** One case for the handler: the sealed content, files, history, the next step and questions to the reporter. */
export default function ConductCasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const query = useOperation(conductReportsApi.get, { params: { id } });
  const report = query.data;
  return (
    <div>
      <Button type="link" onClick={() => navigate('/conduct-cases')} style={{ paddingLeft: 0 }}>
        {t('conductCase.back')}
      </Button>
      <Typography.Title level={3}>{t('conductCase.title')}</Typography.Title>
      <Button
        href={hrefOf(conductReportsApi.exportDocx, { params: { id } })}
        style={{ marginBottom: 12 }}
      >
        {t('conductCase.export')}
      </Button>
      {query.error && <Alert type="error" showIcon message={query.error.message} />}
      {report && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Card size="small">
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('conductCase.stateColumn')}>
                <Tag
                  color={report.state === 'closed' ? 'default' : 'processing'}
                  data-testid="case-state"
                >
                  {t(`conductCase.state.${report.state}`)}
                </Tag>
                {report.outcome && <Tag>{t(`conductCase.outcome.${report.outcome}`)}</Tag>}
                {report.late && <Tag color="red">{t('conductCase.late')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('conductCase.dueAt')}>
                {report.stageDueAt ? formatTime(report.stageDueAt) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('conductReport.teacher')}>
                {report.teacher}
              </Descriptions.Item>
              <Descriptions.Item label={t('conductCase.matchedTeacher')}>
                <TeacherMatch report={report} />
              </Descriptions.Item>
              <Descriptions.Item label={t('conductReport.what')}>
                <span style={{ whiteSpace: 'pre-wrap' }}>{report.what}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('conductReport.when')}>
                {report.when || '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('conductReport.contact')}>
                <ContactPart report={report} />
              </Descriptions.Item>
              <Descriptions.Item label={t('conductReport.attachments')}>
                {report.files.length === 0
                  ? '—'
                  : report.files.map((file) => (
                      <div key={file.id}>
                        <a
                          href={hrefOf(conductReportsApi.file, {
                            params: { id: report.id, fileId: file.id },
                          })}
                        >
                          {file.fileName}
                        </a>
                        {file.step && (
                          <Typography.Text type="secondary">
                            {' '}
                            ·{' '}
                            {t('conductCase.fileAdded', {
                              name: file.addedBy ?? '',
                              step: t(`conductCase.state.${file.step}`),
                            })}
                          </Typography.Text>
                        )}
                      </div>
                    ))}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('conductCase.nextStep')}>
            <MoveForm report={report} />
          </Card>
          {report.state === 'handling' && (
            <Card size="small" title={t('conductCase.decisionUpload')}>
              <DecisionUpload id={report.id} />
            </Card>
          )}
          {report.state !== 'closed' && (
            <Card size="small" title={t('conductCase.ask')}>
              <AskForm id={report.id} />
            </Card>
          )}
          <Card size="small" title={t('conductCase.history')}>
            <Timeline
              items={report.history.map((event) => ({
                key: `${event.at}-${event.kind}`,
                children: (
                  <div>
                    <Typography.Text strong>
                      {event.kind === 'transition' && event.toState
                        ? t(`conductCase.state.${event.toState}`)
                        : t(`conductCase.event.${event.kind}`)}
                    </Typography.Text>
                    {event.outcome && (
                      <Tag style={{ marginLeft: 8 }}>
                        {t(`conductCase.outcome.${event.outcome}`)}
                      </Tag>
                    )}
                    <Typography.Text type="secondary">
                      {' '}
                      · {formatTime(event.at)}
                      {event.actorName ? ` · ${event.actorName}` : ''}
                    </Typography.Text>
                    {event.text && <div style={{ whiteSpace: 'pre-wrap' }}>{event.text}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Space>
      )}
    </div>
  );
}
