// ECharts for the dashboards' chart by month (the township office's screen, 数据大屏): only the
// parts used — bars, axes, legend, tooltip, the aria description — and the SVG renderer, in a chunk
// of its own that a villager's or a supervisor's phone never downloads.
import * as echarts from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, AriaComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer])

/** draw renders months of points earned and spent into el and returns the chart (dispose it). */
export function draw(el, months, labels, dark) {
  const chart = echarts.init(el, dark ? 'dark' : undefined, { renderer: 'svg' })
  chart.setOption({
    aria: { enabled: true, label: { description: labels.summary } },
    backgroundColor: 'transparent',
    textStyle: { fontSize: 14 },
    legend: { data: [labels.earned, labels.spent], top: 0 },
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 12, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.month.slice(5) + labels.monthSuffix) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: labels.earned, type: 'bar', data: months.map((m) => m.earned), itemStyle: { color: '#1a7f37' } },
      { name: labels.spent, type: 'bar', data: months.map((m) => m.spent), itemStyle: { color: '#c8102e' } },
    ],
  })
  return chart
}
