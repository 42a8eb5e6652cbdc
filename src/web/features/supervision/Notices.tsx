import { FileWordOutlined, FileTextOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Grid,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { supervisionApi, type NoticeView } from '../../../shared/api/supervision';
import type { WarningColour } from '../../../shared/supervision/escalation';
import { addDays } from '../../../shared/supervision/rules';
import { ApiError, hrefOf } from '../../api/client';
import { useOperation, useWrite } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { searchParam } from '../../router';
import { formatTime } from '../../time';

const TAG_COLOURS = { yellow: 'gold', orange: 'orange', red: 'red' } as const;

/** A late thing's 三色预警 colour, with its days overdue. */
export function ColourTag({ colour, days }: { colour: WarningColour | null; days: number }) {
  const { t } = useI18n();
  const label = t('supervision.days', { days });
  if (!colour) return <Tag data-testid="warning-tag">{label}</Tag>;
  return (
    <Tag color={TAG_COLOURS[colour]} data-testid="warning-tag" data-colour={colour}>
      {t(`supervision.warning.${colour}`)} · {label}
    </Tag>
  );
}

/** 发督办通知单: the office issues a numbered notice to one department about all its late work. */
export function IssueNoticeButton({
  department,
  today,
}: {
  department: { id: string; name: string };
  today: string;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ answerDueOn: string; note?: string }>();
  const issue = useWrite(supervisionApi.issueNotice, { invalidates: [supervisionApi.notices] });
  async function submit(values: { answerDueOn: string; note?: string }) {
    try {
      const notice = await issue.mutateAsync({
        body: {
          departmentId: department.id,
          answerDueOn: values.answerDueOn,
          ...(values.note?.trim() ? { note: values.note.trim() } : {}),
        },
      });
      message.success(t('supervision.notice.issued', { number: notice.numberText }), 6);
      setOpen(false);
      form.resetFields();
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 8);
    }
  }
  return (
    <>
      <Button
        size="small"
        icon={<FileTextOutlined />}
        onClick={() => setOpen(true)}
        data-testid="issue-notice"
      >
        {t('supervision.notice.issue')}
      </Button>
      <Modal
        open={open}
        title={t('supervision.notice.issueTitle', { department: department.name })}
        okText={t('supervision.notice.issueOk')}
        onOk={() => form.submit()}
        confirmLoading={issue.isPending}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          {t('supervision.notice.issueHint')}
        </Typography.Paragraph>
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ answerDueOn: addDays(today, 7) }}
        >
          <Form.Item
            name="answerDueOn"
            label={t('supervision.notice.answerDueOn')}
            rules={[{ required: true, message: t('supervision.notice.answerDueRequired') }]}
          >
            <Input type="date" min={addDays(today, 1)} data-testid="notice-due" />
          </Form.Item>
          <Form.Item name="note" label={t('supervision.notice.note')}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function AnswerForm({ notice }: { notice: NoticeView }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ text: string; evidenceIds: string[] }>();
  const answer = useWrite(supervisionApi.answerNotice);
  async function submit(values: { text: string; evidenceIds?: string[] }) {
    try {
      await answer.mutateAsync({
        params: { id: notice.id },
        body: { text: values.text, evidenceIds: values.evidenceIds ?? [] },
      });
      message.success(t('supervision.notice.answered', { number: notice.numberText }));
    } catch (caught) {
      message.error(caught instanceof ApiError ? caught.message : t('error.network'), 8);
    }
  }
  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="notice-answer-form">
      <Form.Item
        name="text"
        label={t('supervision.notice.answerText')}
        rules={[
          { required: true, whitespace: true, message: t('supervision.notice.answerRequired') },
        ]}
      >
        <Input.TextArea rows={4} maxLength={4000} />
      </Form.Item>
      <Form.Item name="evidenceIds" label={t('supervision.notice.evidence')}>
        <EvidenceField />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={answer.isPending}>
        {t('supervision.notice.answer')}
      </Button>
    </Form>
  );
}

function NoticeCard({ notice, office }: { notice: NoticeView; office: boolean }) {
  const { t } = useI18n();
  const wide = Grid.useBreakpoint().md !== false;
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="notice"
      title={
        <Typography.Text strong style={{ whiteSpace: 'normal' }}>
          {notice.numberText} · {notice.department.name}
        </Typography.Text>
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        {notice.answered ? (
          <Tag color="green">{t('supervision.notice.closed')}</Tag>
        ) : (
          <Tag color="blue">{t('supervision.notice.open')}</Tag>
        )}
        <Typography.Text type="secondary">
          {t('supervision.notice.meta', {
            issuedOn: notice.issuedOn,
            answerDueOn: notice.answerDueOn,
            count: notice.items.length,
          })}
        </Typography.Text>
        <Button
          size="small"
          icon={<FileWordOutlined />}
          href={hrefOf(supervisionApi.noticeDocx, { params: { id: notice.id } })}
          data-testid="notice-docx"
        >
          {t('supervision.notice.download')}
        </Button>
      </Space>
      {notice.note && <Typography.Paragraph>{notice.note}</Typography.Paragraph>}
      {!wide ? (
        // On a phone: one line per item, its colour and deadline first.
        <ul className="supervision-subject" data-testid="notice-items">
          {notice.items.map((item) => (
            <li key={item.key}>
              <ColourTag colour={item.colour} days={item.daysLate} />
              {item.itemNo !== null && <Tag>{item.itemNo}</Tag>}
              {item.what}
              <Typography.Text type="secondary">
                {' '}
                {t('supervision.notice.dueShort', { dueOn: item.dueOn })}
              </Typography.Text>
            </li>
          ))}
        </ul>
      ) : (
        <Table
          size="small"
          rowKey="key"
          dataSource={notice.items}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          scroll={{ x: 560 }}
          columns={[
            {
              title: t('supervision.notice.item'),
              render: (_value, item) =>
                item.itemNo === null ? item.what : `${item.itemNo} · ${item.what}`,
            },
            { title: t('supervision.notice.dueOn'), dataIndex: 'dueOn', width: 110 },
            {
              title: t('supervision.daysLate'),
              width: 130,
              render: (_value, item) => <ColourTag colour={item.colour} days={item.daysLate} />,
            },
          ]}
        />
      )}
      {notice.answer ? (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          data-testid="notice-answer"
          message={t('supervision.notice.answerBy', {
            name: notice.answer.byName,
            at: formatTime(notice.answer.at),
          })}
          description={
            <>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>
                {notice.answer.text}
              </Typography.Paragraph>
              {notice.answer.evidenceIds.length > 0 && (
                <EvidenceField value={notice.answer.evidenceIds} disabled />
              )}
            </>
          }
        />
      ) : office ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('supervision.notice.waiting')}
        </Typography.Paragraph>
      ) : (
        <div style={{ marginTop: 12 }}>
          <AnswerForm notice={notice} />
        </div>
      )}
    </Card>
  );
}

/** The notices: every department's for the office, the own department's for a liaison. */
export function NoticeList({ office }: { office: boolean }) {
  const { t } = useI18n();
  const notices = useOperation(supervisionApi.notices, {});
  const focus = searchParam('noticeId');
  return (
    <QueryView query={notices}>
      {(view) =>
        view.notices.length === 0 ? (
          <Empty
            description={office ? t('supervision.notice.noneOffice') : t('supervision.notice.none')}
          />
        ) : (
          <>
            {!office && view.notices.some((notice) => !notice.answered) && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                message={t('supervision.notice.toAnswer', {
                  count: view.notices.filter((notice) => !notice.answered).length,
                })}
              />
            )}
            {[...view.notices]
              .sort((a, b) => Number(b.id === focus) - Number(a.id === focus))
              .map((notice) => (
                <NoticeCard key={notice.id} notice={notice} office={office} />
              ))}
          </>
        )
      }
    </QueryView>
  );
}
