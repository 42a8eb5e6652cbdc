import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { plansApi } from '../../../shared/api/plans';
import { formatCalendarDate, zonedDate } from '../../../shared/time-format';
import { useInvalidate, useOperation } from '../../api/query';
import type { PlanDetail } from '../../api/types';
import { IndicatorTree } from '../../components/IndicatorTree';
import { LoadError } from '../../components/QueryView';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { usePlan } from '../../usePlan';
import { PlanMaintenance } from './PlanMaintenance';

const DAY = 86_400_000;

/** Today in the institution's zone, not the browser's. */
function today(): string {
  return zonedDate(new Date());
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY);
}

function PlanOverview({ plan }: { plan: PlanDetail }) {
  const { t, locale } = useI18n();
  const now = today();
  const formatDate = (iso: string | null) => formatCalendarDate(iso, locale);
  const currentIndex = plan.phases.findIndex(
    (phase) => phase.startsOn && phase.endsOn && phase.startsOn <= now && now <= phase.endsOn,
  );
  const allDone =
    plan.phases.length > 0 && plan.phases.every((phase) => phase.endsOn && phase.endsOn < now);
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {plan.title}
      </Typography.Title>
      <Space wrap size={[8, 4]} style={{ marginBottom: 16 }}>
        {plan.issuer && plan.issuedOn && (
          <Typography.Text type="secondary">
            {t('plan.issued', { issuer: plan.issuer, date: formatDate(plan.issuedOn) })}
          </Typography.Text>
        )}
        <Tag>{t('plan.cycle', { year: plan.cycleYear })}</Tag>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Typography.Title level={5}>{t('plan.phases')}</Typography.Title>
          {plan.phases.length === 0 && (
            <Typography.Paragraph type="secondary" data-testid="no-phases">
              {t('plan.phases.none')}
            </Typography.Paragraph>
          )}
          <Steps
            direction="vertical"
            size="small"
            current={allDone ? plan.phases.length : Math.max(currentIndex, 0)}
            items={plan.phases.map((phase, index) => {
              const done = phase.endsOn !== null && phase.endsOn < now;
              const state = done
                ? t('plan.phase.done')
                : index === currentIndex
                  ? t('plan.phase.current')
                  : t('plan.phase.upcoming');
              return {
                title: `${phase.name}`,
                status: done ? 'finish' : index === currentIndex ? 'process' : 'wait',
                description: `${formatDate(phase.startsOn)} – ${formatDate(phase.endsOn)} · ${state}`,
              };
            })}
          />
        </Col>
        <Col xs={24} lg={10}>
          <Typography.Title level={5}>{t('plan.deliverables')}</Typography.Title>
          {plan.deliverables.length === 0 && (
            <Typography.Paragraph type="secondary">
              {t('plan.deliverables.none')}
            </Typography.Paragraph>
          )}
          <Space direction="vertical" style={{ width: '100%' }}>
            {plan.deliverables.map((deliverable) => {
              const days = daysBetween(now, deliverable.dueOn);
              // A plan whose phases are all over is history: its deadlines are not "overdue" any more.
              const status = allDone ? (
                <Tag>{t('plan.deliverable.closed')}</Tag>
              ) : days < 0 ? (
                <Tag color="error">{t('plan.deliverable.overdue', { days: -days })}</Tag>
              ) : days === 0 ? (
                <Tag color="warning">{t('plan.deliverable.today')}</Tag>
              ) : (
                <Tag color={days <= 7 ? 'warning' : 'processing'}>
                  {t('plan.deliverable.daysLeft', { days })}
                </Tag>
              );
              return (
                <div key={deliverable.id} data-testid="deliverable">
                  <Typography.Text strong>{deliverable.title}</Typography.Text> {status}
                  <br />
                  <Typography.Text type="secondary">
                    {t('plan.deliverable.due', {
                      date: formatDate(deliverable.dueOn),
                      recipient: deliverable.recipient ?? '',
                    })}
                  </Typography.Text>
                </div>
              );
            })}
          </Space>
          <Row gutter={8} style={{ marginTop: 16 }}>
            {/* a flat list has no level-1, a one-level plan no level-2 to count */}
            {plan.depth >= 1 && (
              <Col span={6}>
                <Statistic title={t('plan.counts.level1')} value={plan.counts.level1} />
              </Col>
            )}
            {plan.depth >= 2 && (
              <Col span={6}>
                <Statistic title={t('plan.counts.level2')} value={plan.counts.level2} />
              </Col>
            )}
            <Col span={6}>
              <Statistic title={t('plan.counts.items')} value={plan.counts.items} />
            </Col>
            <Col span={6}>
              <Statistic title={t('plan.counts.assignments')} value={plan.counts.assignments} />
            </Col>
          </Row>
        </Col>
      </Row>
      {plan.importWarnings.length > 0 && (
        <Collapse
          size="small"
          style={{ marginTop: 16 }}
          items={[
            {
              key: 'warnings',
              label: (
                <Typography.Text type="warning">
                  {t('plan.warnings', { count: plan.importWarnings.length })}
                </Typography.Text>
              ),
              children: (
                <ul style={{ margin: 0, paddingLeft: 20 }}>
                  {plan.importWarnings.map((warning) => (
                    <li key={warning}>{warning}</li>
                  ))}
                </ul>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

/** `canImport`: the office may import another plan (the import wizard). */
export default function PlanPage({
  canImport = false,
  departmentId = null,
}: {
  canImport?: boolean;
  /** A liaison's department: they may ask for extensions (延期申请) of its deadlines. */
  departmentId?: string | null;
}) {
  const { t } = useI18n();
  const { plans, planId, choose: setPlanId, error: plansError } = usePlan();
  const input = planId ? { params: { id: planId } } : null;
  const detail = useOperation(plansApi.get, input);
  const treeQuery = useOperation(plansApi.tree, input);
  const plan = detail.data ?? null;
  const tree = treeQuery.data ?? null;
  const failed = detail.isError ? detail : treeQuery.isError ? treeQuery : null;
  const invalidate = useInvalidate();
  // A change to the plan's phases, deadlines or items: its detail, tree and the list show it.
  const reload = () => void invalidate(plansApi.get, plansApi.tree, plansApi.list);

  return (
    <>
      {plansError && (
        <Alert type="error" showIcon message={plansError} style={{ marginBottom: 16 }} />
      )}
      {failed && (
        <div style={{ marginBottom: 16 }}>
          <LoadError error={failed.error} onRetry={() => void failed.refetch()} />
        </div>
      )}
      {plans === null ? (
        <Spin style={{ display: 'block', margin: '20vh auto' }} tip={t('loading')} />
      ) : plans.length === 0 ? (
        <Card>
          <Empty
            description={
              <>
                <Typography.Title level={4}>{t('plan.none.title')}</Typography.Title>
                <Typography.Paragraph type="secondary">{t('plan.none.hint')}</Typography.Paragraph>
              </>
            }
          >
            {canImport && (
              <Button type="primary" onClick={() => navigate('/import')}>
                {t('plan.import')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {canImport && (
            <div style={{ textAlign: 'right' }}>
              <Button onClick={() => navigate('/import')} data-testid="plan-import">
                {t('plan.import')}
              </Button>
            </div>
          )}
          {plans.length > 1 && (
            <Select
              style={{ minWidth: 320, maxWidth: '100%' }}
              value={planId}
              onChange={setPlanId}
              options={plans.map((candidate) => ({
                value: candidate.id,
                label: `${candidate.cycleYear} · ${candidate.title}`,
              }))}
              aria-label={t('plan.select')}
            />
          )}
          {plan && tree ? (
            <>
              <PlanOverview plan={plan} />
              <PlanMaintenance
                plan={plan}
                tree={tree}
                canEdit={canImport}
                departmentId={departmentId}
                onChanged={reload}
              />
              <IndicatorTree tree={tree} />
            </>
          ) : (
            <Spin style={{ display: 'block', margin: '10vh auto' }} />
          )}
        </Space>
      )}
    </>
  );
}
