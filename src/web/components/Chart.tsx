import { BarChart, HeatmapChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * The labels of a category axis of names (departments, indicators): a long one is cut with …
 * instead of squeezing the bars to nothing; its tooltip shows it whole.
 */
export const nameAxisLabel = { width: 180, overflow: 'truncate' } as const;

/** An ECharts chart that follows its container's width (phones included). */
export function Chart({
  option,
  height,
  testId,
  onClick,
}: {
  option: ChartOption;
  height: number;
  testId?: string;
  onClick?: (params: { value: unknown }) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const clicked = useRef(onClick);
  clicked.current = onClick;
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current);
    chart.setOption(option);
    chart.on('click', (params) => clicked.current?.(params as { value: unknown }));
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option]);
  return <div ref={element} style={{ width: '100%', height }} data-testid={testId} />;
}
