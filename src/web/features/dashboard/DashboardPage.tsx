import { Alert, Card, Col, Row, Spin, Typography } from 'antd';
import { useMemo } from 'react';
import { breakdownsApi, dutyStates } from '../../../shared/api/breakdowns';
import { useOperation } from '../../api/query';
import { errorText } from '../../usePlanTree';
import { Chart, type ChartOption, nameAxisLabel } from '../../components/Chart';
import { useI18n } from '../../i18n';
import { usePlan } from '../../usePlan';
import { dutyCellTooltip } from '../../components/chart-text';
import { YearPanel } from './YearPanel';

const STATE_COLORS = ['#ff4d4f', '#faad14', '#1677ff', '#52c41a'];

/** For leaders, often on a phone: where the task breakdowns stand, late departments first. */
export default function DashboardPage() {
  const { t } = useI18n();
  const { planId, error: planError } = usePlan();
  const dashboard = useOperation(
    breakdownsApi.dashboard,
    planId ? { params: { id: planId } } : null,
  );
  const data = dashboard.data ?? null;
  const error = dashboard.isError ? errorText(dashboard.error, t('error.network')) : null;

  const charts = useMemo(() => {
    if (!data) return null;
    const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : 0);
    const level1: ChartOption = {
      tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => `${value}%` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      // A flat task list has one group without a title: it is 全部任务.
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.byLevel1.map((row) => row.title || t('tree.flat')),
        axisLabel: nameAxisLabel,
      },
      series: [
        {
          name: t('dashboard.measured'),
          type: 'bar',
          data: data.byLevel1.map((row) => percent(row.measured, row.duties)),
          itemStyle: { color: '#1677ff' },
        },
        {
          name: t('dashboard.approved'),
          type: 'bar',
          data: data.byLevel1.map((row) => percent(row.approved, row.duties)),
          itemStyle: { color: '#52c41a' },
        },
      ],
    };
    const totals = data.departments.map((_department, index) => {
      const mine = data.cells.filter((cell) => cell[1] === index);
      return percent(mine.filter((cell) => cell[2] > 0).length, mine.length);
    });
    const byDepartment: ChartOption = {
      tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => `${value}%` },
      grid: { left: 8, right: 16, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.departments.map((department) =>
          department.late ? `⚠ ${department.name}` : department.name,
        ),
        axisLabel: nameAxisLabel,
      },
      series: [
        {
          type: 'bar',
          data: totals.map((value, index) => ({
            value,
            itemStyle: { color: data.departments[index]!.late ? '#ff4d4f' : '#1677ff' },
          })),
        },
      ],
    };
    const heatmap: ChartOption = {
      tooltip: {
        formatter: (params: { value: [number, number, number] }) =>
          dutyCellTooltip(
            data.departments[params.value[1]]!.name,
            data.items[params.value[0]]!.no,
            t(`duty.${dutyStates[params.value[2]]!}`),
          ),
      },
      grid: { left: 8, right: 8, bottom: 56, top: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: data.items.map((item) => String(item.no)),
        splitArea: { show: true },
        axisLabel: { interval: 4 },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: data.departments.map((department) => department.name),
        splitArea: { show: true },
        axisLabel: nameAxisLabel,
      },
      visualMap: {
        type: 'piecewise',
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        pieces: dutyStates.map((state, index) => ({
          value: index,
          label: t(`duty.${state}`),
          color: STATE_COLORS[index],
        })),
      },
      series: [
        { type: 'heatmap', data: data.cells, itemStyle: { borderColor: '#fff', borderWidth: 1 } },
      ],
    };
    return { level1, byDepartment, heatmap };
  }, [data, t]);

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!planId || !data || !charts)
    return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const rowHeight = 22;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24}>
        <YearPanel planId={planId} />
      </Col>
      <Col xs={24}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('dashboard.title')}
        </Typography.Title>
      </Col>
      <Col xs={24} lg={10}>
        <Card
          title={
            data.byLevel1.every((row) => row.title === '')
              ? t('dashboard.byAllTasks')
              : t('dashboard.byLevel1')
          }
          size="small"
        >
          <Chart option={charts.level1} height={260} testId="chart-level1" />
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card title={t('dashboard.byDepartment')} size="small">
          <Chart
            option={charts.byDepartment}
            height={Math.max(260, data.departments.length * rowHeight)}
            testId="chart-departments"
          />
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('dashboard.heatmap')} size="small">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('dashboard.heatmap.hint')}
          </Typography.Paragraph>
          <Chart
            option={charts.heatmap}
            height={Math.max(300, data.departments.length * rowHeight + 80)}
            testId="chart-heatmap"
          />
        </Card>
      </Col>
    </Row>
  );
}
