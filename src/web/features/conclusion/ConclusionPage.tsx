import { SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Input,
  Progress,
  Radio,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  conclusionApi,
  type ConclusionItem,
  type ConclusionView,
} from '../../../shared/api/conclusion';
import { todoApi } from '../../../shared/api/todo';
import { call } from '../../api/client';
import { keyOf, useInvalidate, useOperation } from '../../api/query';
import { EvidenceField } from '../../components/EvidenceField';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { usePlan } from '../../usePlan';
import { useServerAction } from '../../useServerAction';
import { errorText } from '../../usePlanTree';

/** The plan and department a conclusion page writes to. */
interface ConclusionParams {
  id: string;
  departmentId: string;
}

const nextTypes: Record<ConclusionView['next'], 'info' | 'warning' | 'success'> = {
  write_summary: 'info',
  rate_items: 'info',
  submit: 'success',
  returned: 'warning',
  submitted: 'success',
};
export const summaryStatusColors: Record<ConclusionView['summary']['status'], string> = {
  not_started: 'default',
  draft: 'processing',
  submitted: 'gold',
  returned: 'error',
};

function SummaryForm({
  view,
  params,
  locked,
  onSaved,
}: {
  view: ConclusionView;
  params: ConclusionParams;
  locked: boolean;
  onSaved(next: ConclusionView): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({
    highlights: view.summary.highlights,
    results: view.summary.results,
    cases: view.summary.cases,
    evidenceIds: view.summary.evidenceIds,
  });
  const { busy, run } = useServerAction();
  const field = (key: 'highlights' | 'results' | 'cases') => (
    <div style={{ marginBottom: 12 }}>
      <Typography.Text strong>{t(`summary.${key}`)}</Typography.Text>
      <Input.TextArea
        autoSize={{ minRows: 3, maxRows: 12 }}
        maxLength={10000}
        disabled={locked}
        value={draft[key]}
        aria-label={t(`summary.${key}`)}
        placeholder={t(`summary.${key}.placeholder`)}
        onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
        style={{ marginTop: 4 }}
      />
    </div>
  );
  const save = () =>
    run(async () => {
      onSaved(
        await call(conclusionApi.summariesSave, {
          params,
          body: { version: view.summary.version, ...draft },
        }),
      );
      return t('summary.saved');
    });
  return (
    <Card title={t('summary.title')} size="small" data-testid="summary-form">
      {field('highlights')}
      {field('results')}
      {field('cases')}
      <Typography.Text strong>{t('summary.evidence')}</Typography.Text>
      <EvidenceField
        value={draft.evidenceIds}
        onChange={(evidenceIds) => setDraft({ ...draft, evidenceIds })}
        disabled={locked}
      />
      {!locked && (
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={busy}
          onClick={() => void save()}
          style={{ marginTop: 12 }}
          data-testid="save-summary"
        >
          {t('summary.save')}
        </Button>
      )}
    </Card>
  );
}

function ItemRating({
  item,
  view,
  params,
  locked,
  onSaved,
}: {
  item: ConclusionItem;
  view: ConclusionView;
  params: ConclusionParams;
  locked: boolean;
  onSaved(next: ConclusionView): void;
}) {
  const { t } = useI18n();
  const [rating, setRating] = useState(item.mine?.rating ?? '');
  const [justification, setJustification] = useState(item.mine?.justification ?? '');
  const [evidenceIds, setEvidenceIds] = useState(item.mine?.evidenceIds ?? []);
  const { busy, run } = useServerAction();
  const changed =
    rating !== (item.mine?.rating ?? '') ||
    justification !== (item.mine?.justification ?? '') ||
    evidenceIds.join() !== (item.mine?.evidenceIds ?? []).join();
  const save = () =>
    run(async () => {
      onSaved(
        await call(conclusionApi.selfAssessmentsRate, {
          params: { ...params, itemId: item.id },
          body: { version: item.mine?.version ?? 0, rating, justification, evidenceIds },
        }),
      );
      return t('selfAssessment.saved');
    });
  return (
    <div className="item-row" data-testid="rating-item" data-item-no={item.no}>
      <div className="item-no">{item.no}</div>
      <Row gutter={[16, 8]}>
        <Col xs={24} md={10}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {item.level1.title} / {item.level2.title}
          </Typography.Text>
          <Typography.Paragraph style={{ marginBottom: 4 }}>{item.content}</Typography.Paragraph>
          <div className="item-focus" data-testid="item-focus">
            <strong>
              {t('item.focus')}
              {t('punct.colon')}
            </strong>
            {item.focus}
          </div>
          <Space size={4} wrap style={{ marginTop: 4 }}>
            <Tag color={item.role === 'lead' ? 'blue' : 'default'}>
              {t(item.role === 'lead' ? 'breakdown.role.lead' : 'breakdown.role.support')}
            </Tag>
            {item.mine ? (
              <Tag color="green">{item.mine.rating}</Tag>
            ) : (
              <Tag color="red">{t('selfAssessment.notRated')}</Tag>
            )}
            {item.institution && (
              <Tag color="purple">
                {t('selfAssessment.institution', { rating: item.institution.rating })}
              </Tag>
            )}
          </Space>
        </Col>
        <Col xs={24} md={14}>
          <Radio.Group
            value={rating}
            disabled={locked}
            onChange={(event) => setRating(event.target.value as string)}
            aria-label={t('selfAssessment.rating')}
            options={view.scale.map((level) => ({
              value: level.label,
              label: `${level.label}${t('punct.open')}${level.score}${t('punct.close')}`,
            }))}
            optionType="button"
            buttonStyle="solid"
          />
          <Input.TextArea
            style={{ marginTop: 8 }}
            autoSize={{ minRows: 2, maxRows: 8 }}
            maxLength={3000}
            disabled={locked}
            value={justification}
            onChange={(event) => setJustification(event.target.value)}
            placeholder={t('selfAssessment.justification.placeholder')}
            aria-label={t('selfAssessment.justification')}
          />
          <EvidenceField value={evidenceIds} onChange={setEvidenceIds} disabled={locked} />
          {!locked && (
            <Button
              style={{ marginTop: 8 }}
              type={changed ? 'primary' : 'default'}
              icon={<SaveOutlined />}
              loading={busy}
              disabled={!rating || !justification.trim() || !changed}
              onClick={() => void save()}
              data-testid="save-rating"
            >
              {t('selfAssessment.save')}
            </Button>
          )}
        </Col>
      </Row>
    </div>
  );
}

/** A department's conclude phase: its summary, and its rating of every item it answers for against the item's focus. */
export default function ConclusionPage({ departmentId }: { departmentId: string }) {
  const { planId, error: planError } = usePlan();
  const params = planId ? { id: planId, departmentId } : null;
  const conclusion = useOperation(conclusionApi.get, params && { params });
  if (planError) return <Alert type="error" showIcon message={planError} />;
  return (
    <QueryView query={conclusion}>
      {(view) => params && <ConclusionForm view={view} params={params} />}
    </QueryView>
  );
}

function ConclusionForm({ view, params }: { view: ConclusionView; params: ConclusionParams }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const invalidate = useInvalidate();
  // Every write answers the whole conclusion: it replaces the cached one; the lists it shows in go stale.
  const setView = (next: ConclusionView) => {
    client.setQueryData(keyOf(conclusionApi.get, { params }), next);
    void invalidate(todoApi.mine, conclusionApi.summariesList, conclusionApi.moderationGet);
  };
  const locked = view.summary.status === 'submitted';

  function submit() {
    modal.confirm({
      title: t('selfAssessment.submit'),
      content: t('selfAssessment.submit.confirm'),
      onOk: async () => {
        try {
          setView(await call(conclusionApi.summariesSubmit, { params }));
          message.success(t('selfAssessment.submitted'));
        } catch (caught) {
          message.error(errorText(caught, t('error.network')), 10);
        }
      },
    });
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('conclusion.title', { department: view.department.name })}
          </Typography.Title>
          <Space wrap>
            <Tag color={summaryStatusColors[view.summary.status]} data-testid="summary-status">
              {t(`summary.status.${view.summary.status}`)}
            </Tag>
            {view.late && <Tag color="red">{t('status.late')}</Tag>}
            {view.summaryDueOn && (
              <Typography.Text type="secondary">
                {t('conclusion.due', { date: view.summaryDueOn })}
              </Typography.Text>
            )}
          </Space>
        </Space>
        <Progress
          percent={view.items.length ? Math.round((view.rated / view.items.length) * 100) : 100}
          format={() => t('conclusion.progress', { rated: view.rated, total: view.items.length })}
          style={{ maxWidth: 480, marginTop: 8 }}
        />
        <Alert
          type={nextTypes[view.next]}
          showIcon
          message={t(`conclusion.next.${view.next}`)}
          data-testid="next-step"
          style={{ marginTop: 8 }}
        />
        {view.summary.returnComment && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 8 }}
            message={t('conclusion.returnComment', { comment: view.summary.returnComment })}
            data-testid="return-comment"
          />
        )}
      </Card>
      <SummaryForm
        key={`summary-${view.summary.version}`}
        view={view}
        params={params}
        locked={locked}
        onSaved={setView}
      />
      <Card title={t('selfAssessment.title')} size="small">
        <Typography.Paragraph type="secondary">
          {t('selfAssessment.hint', {
            levels: view.scale
              .map((level) => `${level.label}${t('punct.open')}${level.score}${t('punct.close')}`)
              .join(' / '),
          })}
        </Typography.Paragraph>
        {view.items.map((item) => (
          <ItemRating
            key={`${item.id}-${item.mine?.version ?? 0}`}
            item={item}
            view={view}
            params={params}
            locked={locked}
            onSaved={setView}
          />
        ))}
      </Card>
      {!locked && (
        <Button
          type="primary"
          size="large"
          icon={<SendOutlined />}
          onClick={submit}
          data-testid="submit-conclusion"
          disabled={view.next !== 'submit' && view.next !== 'returned'}
        >
          {t('selfAssessment.submit')}
        </Button>
      )}
    </Space>
  );
}
