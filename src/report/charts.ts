import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { findCjkFont } from './fonts.ts';
import type { CountRow } from './stats.ts';
import type { TrendBucket } from './trend.ts';

/**
 * Charts for briefs: Apache ECharts renders an SVG on the server (no DOM), @resvg/resvg-js
 * turns it into a PNG with the CJK font loaded so that Chinese labels render.
 */
export interface Chart {
  title: string;
  png: Buffer;
  width: number;
  height: number;
}

const WIDTH = 900;
const HEIGHT = 420;
const COLORS = ['#1677ff', '#fa541c', '#52c41a', '#faad14', '#722ed1', '#13c2c2', '#eb2f96', '#8c8c8c'];

export function renderChart(title: string, option: echarts.EChartsOption, width = WIDTH, height = HEIGHT): Chart {
  const font = findCjkFont();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, backgroundColor: '#ffffff', textStyle: { fontFamily: font.family }, title: { text: title, left: 'center', textStyle: { fontSize: 16 } }, ...option });
    const svg = chart.renderToSVGString();
    const png = new Resvg(svg, { font: { fontFiles: [font.path], loadSystemFonts: false, defaultFontFamily: font.family }, background: 'white' }).render().asPng();
    return { title, png: Buffer.from(png), width, height };
  } finally {
    chart.dispose();
  }
}

/** The volume trend, negative posts beside it, peaks marked with the calendar events that explain them. */
export function trendChart(title: string, buckets: TrendBucket[]): Chart {
  const peaks = buckets
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.peak)
    .map(({ b }) => ({ coord: [b.label, b.count], value: b.count, name: b.events.length ? b.events.join('、') : '峰值', label: { formatter: b.events.length ? `${b.count}\n${b.events.slice(0, 2).join('、')}` : `${b.count}` } }));
  return renderChart(title, {
    grid: { left: 50, right: 30, top: 60, bottom: 60 },
    legend: { top: 8, right: 20, data: ['信息量', '负面'] },
    xAxis: { type: 'category', data: buckets.map((b) => b.label), axisLabel: { rotate: buckets.length > 16 ? 45 : 0, fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '信息量', type: 'line', data: buckets.map((b) => b.count), smooth: false, markPoint: { symbolSize: 44, data: peaks as never } },
      { name: '负面', type: 'bar', data: buckets.map((b) => b.negative), barMaxWidth: 14, itemStyle: { color: KEY_COLORS.negative, opacity: 0.6 } },
    ],
  });
}

/**
 * The console's colours for what has one (web/src/components/Tags.tsx, the dashboard): 负面 red,
 * 中性 grey, 正面 green; risk levels in their own colours. A brief never paints 负面 blue.
 */
export const KEY_COLORS: Record<string, string> = {
  negative: '#cf1322',
  neutral: '#8c8c8c',
  positive: '#389e0d',
  blue: '#1677ff',
  yellow: '#fadb14',
  orange: '#fa8c16',
  red: '#cf1322',
};

export function pieChart(title: string, rows: CountRow[]): Chart {
  return renderChart(title, {
    legend: { bottom: 10 },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '52%'],
        data: rows.map((r) => ({ name: r.name, value: r.count, ...(KEY_COLORS[r.key] ? { itemStyle: { color: KEY_COLORS[r.key] } } : {}) })),
        label: { formatter: '{b}\n{c}（{d}%）' },
      },
    ],
  });
}

export function barChart(title: string, rows: CountRow[], limit = 12): Chart {
  const top = rows.slice(0, limit).reverse();
  return renderChart(title, {
    grid: { left: 160, right: 50, top: 50, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((r) => (r.name.length > 12 ? `${r.name.slice(0, 12)}…` : r.name)) },
    series: [{ type: 'bar', data: top.map((r) => r.count), label: { show: true, position: 'right' }, barMaxWidth: 22 }],
  });
}

/**
 * 舆情等级分布: one bar per level, 一般 to 特别重大 left to right (every level shown, 0 included, so two
 * briefs read alike), each in its level's colour as in the console (一般 blue … 特别重大 red).
 */
export function levelChart(title: string, rows: CountRow[], levels: readonly { key: string; name: string }[]): Chart {
  const count = (key: string) => rows.find((r) => r.key === key)?.count ?? 0;
  return renderChart(title, {
    grid: { left: 60, right: 30, top: 50, bottom: 40 },
    xAxis: { type: 'category', data: levels.map((l) => l.name) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        barMaxWidth: 48,
        label: { show: true, position: 'top' },
        data: levels.map((l) => ({ value: count(l.key), itemStyle: { color: KEY_COLORS[l.key] } })),
      },
    ],
  });
}

/** One bar per department: a percentage (on-time rate, score). */
export function percentChart(title: string, rows: { name: string; value: number | null }[], max = 100): Chart {
  const list = rows.filter((r) => r.value !== null).reverse();
  return renderChart(title, {
    grid: { left: 140, right: 60, top: 50, bottom: 30 },
    xAxis: { type: 'value', max },
    yAxis: { type: 'category', data: list.map((r) => r.name) },
    series: [{ type: 'bar', data: list.map((r) => Math.round((r.value ?? 0) * 10) / 10), label: { show: true, position: 'right' }, barMaxWidth: 22 }],
  }, WIDTH, Math.max(260, 60 + list.length * 34));
}
