import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Empty, Radio, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { LoadError } from '../App.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { LevelTag } from '../components/Tags.tsx';
import { t, tk, type WebMessageKey } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtPercent } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { isoWeekKey } from '../lib/period.ts';
import { Link } from '../lib/router.tsx';
import type { Assessment, CountRow, DepartmentAssessment, Statistics } from '../lib/types.ts';

type Kind = 'month' | 'quarter' | 'year';

const SENTIMENT_COLORS: Record<string, string> = { negative: '#cf1322', neutral: '#8c8c8c', positive: '#389e0d' };

/** The period text the server understands: 2026-10, 2026-Q4, 2026. */
export function periodKey(kind: Kind, d: Dayjs): string {
  if (kind === 'year') return d.format('YYYY');
  if (kind === 'quarter') return `${d.year()}-Q${Math.floor(d.month() / 3) + 1}`;
  return d.format('YYYY-MM');
}

function barOption(rows: CountRow[], color: string): ChartOption {
  const top = rows.slice(0, 12).reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 110, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    // Topic paths show their last part (城乡建设/道路建设 → 道路建设); the full name is in the tooltip.
    yAxis: { type: 'category', data: top.map((r) => (r.name || '—').split('/').pop()), axisLabel: { width: 100, overflow: 'truncate' } },
    series: [{ type: 'bar', data: top.map((r) => r.count), itemStyle: { color } }],
  };
}

function Statistics({ period }: { period: string }) {
  const stats = useLoad((signal) => api.get<Statistics>('/api/reports/statistics', { period }, { signal }), [period]);
  const s = stats.data;
  const trend = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: (s?.trend.buckets ?? []).map((b) => b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('web.dashboard.total'),
          type: 'line',
          smooth: true,
          data: (s?.trend.buckets ?? []).map((b) => b.count),
          markPoint: {
            data: (s?.trend.buckets ?? []).map((b, i) => (b.peak ? { coord: [i, b.count], value: b.count, name: b.events.join('、') || t('web.dashboard.peak') } : null)).filter((x) => x !== null),
            symbolSize: 36,
            label: { fontSize: 11 },
            tooltip: { formatter: (p: { name: string; value: number }) => `${t('web.dashboard.peak')} ${p.value}<br/>${p.name}` },
          },
        },
        { name: t('web.dashboard.negative'), type: 'bar', data: (s?.trend.buckets ?? []).map((b) => b.negative), itemStyle: { color: '#cf1322' } },
      ],
    }),
    [s],
  );
  const sentiment = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['38%', '62%'], center: ['50%', '45%'], data: (s?.bySentiment ?? []).map((r) => ({ name: r.name, value: r.count, itemStyle: { color: SENTIMENT_COLORS[r.key] ?? '#bfbfbf' } })), label: { formatter: '{d}%' } }],
    }),
    [s],
  );
  if (stats.error) return <LoadError error={stats.error} onRetry={stats.reload} />;
  if (s && s.total === 0) return <Empty description={t('web.reports.noData')} />;
  return (
    <>
      <Row gutter={[12, 12]}>
        <Col xs={8}><Card size="small"><Statistic title={t('web.reports.total')} value={s?.total ?? '—'} loading={!s} /></Card></Col>
        <Col xs={8}><Card size="small"><Statistic title={t('web.reports.negative')} value={s?.negative ?? '—'} loading={!s} /></Card></Col>
        <Col xs={8}><Card size="small"><Statistic title={t('web.reports.negativeShare')} value={s ? fmtPercent(s.negativeShare) : '—'} loading={!s} /></Card></Col>
      </Row>
      <Card size="small" title={t('web.reports.trend')} style={{ marginTop: 12 }}>
        <Chart option={trend} height={260} testId="report-trend" />
        {(s?.peaks ?? []).length > 0 && (
          <Space wrap>
            {t('web.reports.peaks')}：
            {s!.peaks.map((p) => (
              <Tag key={p.label} color="red">
                {p.label} {p.count}
                {p.events.length ? `（${p.events.join('、')}）` : ''}
              </Tag>
            ))}
          </Space>
        )}
      </Card>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={8}><Card size="small" title={t('web.reports.bySource')}><Chart option={barOption(s?.bySource ?? [], '#1677ff')} height={240} /></Card></Col>
        <Col xs={24} lg={8}><Card size="small" title={t('web.reports.byTopic')}><Chart option={barOption(s?.byTopic ?? [], '#d48806')} height={240} /></Card></Col>
        <Col xs={24} lg={8}><Card size="small" title={t('web.reports.bySentiment')}><Chart option={sentiment} height={240} /></Card></Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={12}><Card size="small" title={t('web.reports.byDepartment')}><Chart option={barOption(s?.byDepartment ?? [], '#722ed1')} height={240} /></Card></Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('web.reports.hotEvents')}>
            <Table size="small" rowKey="eventId" pagination={false} dataSource={(s?.hotEvents ?? []).slice(0, 8)} columns={[
              { title: t('web.events.eventTitle'), dataIndex: 'title', render: (v: string, e) => <Link to={`/events/${e.eventId}`}>{v}</Link> },
              { title: t('web.events.postCount'), dataIndex: 'posts', width: 70 },
              { title: t('web.posts.level'), dataIndex: 'riskLevel', width: 90, render: (l: string | null) => <LevelTag level={l} /> },
            ]} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('web.reports.timeliness')} style={{ marginTop: 12 }}>
        <Table size="small" rowKey={(r) => String(r.departmentId)} pagination={false} dataSource={s ? [...s.timeliness.departments, { ...s.timeliness.total, departmentId: -1 }] : []} scroll={{ x: true }} columns={[
          { title: t('web.common.department'), dataIndex: 'department' },
          { title: t('web.dashboard.cases'), dataIndex: 'cases' },
          { title: t('web.dashboard.onTimeRate'), dataIndex: 'onTimeRate', render: (v: number | null) => fmtPercent(v) },
          { title: t('web.reports.medianHours'), dataIndex: 'medianReplyHours', render: (v: number | null) => (v === null ? '—' : v.toFixed(1)) },
          { title: t('web.cases.overdue'), dataIndex: 'overdue' },
        ]} />
      </Card>
    </>
  );
}

function AssessmentTable({ rows }: { rows: DepartmentAssessment[] }) {
  return (
    <Table<DepartmentAssessment>
      size="small"
      rowKey="departmentId"
      pagination={false}
      dataSource={rows}
      scroll={{ x: true }}
      columns={[
        { title: t('web.reports.rank'), dataIndex: 'rank', width: 60, render: (r: number | null) => (r ? <Tag color={r <= 3 ? 'gold' : 'default'}>{r}</Tag> : '—') },
        { title: t('web.common.department'), dataIndex: 'department' },
        { title: t('web.dashboard.cases'), dataIndex: 'cases', width: 70 },
        ...['timely', 'received', 'prevented'].map((c) => ({
          title: t(`web.reports.criterion.${c}` as WebMessageKey),
          key: c,
          render: (_: unknown, d: DepartmentAssessment) => {
            const x = d.criteria.find((k) => k.criterion === c);
            return x ? <span title={x.detail}>{x.score === null ? '—' : x.score.toFixed(1)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>({x.numerator}/{x.denominator})</Typography.Text></span> : '—';
          },
        })),
        { title: t('web.reports.score'), dataIndex: 'score', render: (v: number | null) => <b>{v === null ? '—' : v.toFixed(1)}</b> },
        {
          title: t('web.reports.feedback'),
          key: 'feedback',
          render: (_: unknown, d: DepartmentAssessment) => (
            <Space size={2} wrap data-testid={`assessment-feedback-${d.departmentId}`}>
              <Tag color="green">{t('web.reports.feedbackSatisfied', { n: d.feedback.satisfied })}</Tag>
              <Tag color="orange">{t('web.reports.feedbackAsking', { n: d.feedback.asking })}</Tag>
              <Tag color={d.feedback.escalating ? 'red' : 'default'}>{t('web.reports.feedbackEscalating', { n: d.feedback.escalating })}</Tag>
            </Space>
          ),
        },
      ]}
    />
  );
}

function AssessmentView({ year }: { year: string }) {
  const a = useLoad((signal) => api.get<Assessment>('/api/reports/assessment', { period: year }, { signal }), [year]);
  const chart = useMemo<ChartOption>(() => {
    const rows = (a.data?.departments ?? []).filter((d) => d.score !== null);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 110, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', data: rows.map((d) => d.department).reverse() },
      series: [{ type: 'bar', data: rows.map((d) => d.score).reverse(), itemStyle: { color: '#b71c1c' }, label: { show: true, position: 'right' } }],
    };
  }, [a.data]);
  if (a.error) return <LoadError error={a.error} onRetry={a.reload} />;
  return (
    <>
      {a.data && <Typography.Paragraph type="secondary">{t('web.reports.weights', a.data.weights)}</Typography.Paragraph>}
      <Card size="small" style={{ marginBottom: 12 }}><Chart option={chart} height={240} testId="assessment-chart" /></Card>
      <AssessmentTable rows={a.data?.departments ?? []} />
      {(a.data?.quarters ?? []).length > 0 && (
        <Card size="small" title={t('web.reports.quarters')} style={{ marginTop: 12 }}>
          <Tabs items={a.data!.quarters.map((q) => ({ key: q.period.key, label: q.period.label, children: <AssessmentTable rows={q.departments} /> }))} />
        </Card>
      )}
    </>
  );
}

function Downloads({ period, day }: { period: string; day: Dayjs }) {
  const { run, busy } = useAction();
  const get = (kind: string, format: string, p: string) => void run(() => api.download('/api/reports/download', { kind, format, period: p }, `${kind}-${p}.${format}`));
  const items: { kind: string; period: string }[] = [
    { kind: 'daily', period: day.format('YYYY-MM-DD') },
    { kind: 'weekly', period: isoWeekKey(day.year(), day.month() + 1, day.date()) },
    { kind: 'monthly', period: day.format('YYYY-MM') },
    { kind: 'quarterly', period: `${day.year()}-Q${Math.floor(day.month() / 3) + 1}` },
    { kind: 'annual', period: day.format('YYYY') },
    { kind: 'assessment', period: period.slice(0, 4) },
  ];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('web.reports.downloadHint')}</Typography.Paragraph>
      <Space direction="vertical">
        {items.map((i) => (
          <Space key={i.kind} wrap>
            <span style={{ display: 'inline-block', width: 100 }}>{tk('web.reports.brief', i.kind)}</span>
            <Tag>{i.period}</Tag>
            {(i.kind === 'assessment' ? ['xlsx', 'docx', 'pdf'] : ['docx', 'pdf', 'xlsx']).map((f) => (
              <Button key={f} size="small" icon={<DownloadOutlined />} loading={busy} onClick={() => get(i.kind, f, i.period)}>
                {f.toUpperCase()}
              </Button>
            ))}
          </Space>
        ))}
        <Button icon={<DownloadOutlined />} onClick={() => void run(() => api.download('/api/cases/export.xlsx', undefined, 'ledger.xlsx'))}>
          {t('web.reports.ledger')}
        </Button>
      </Space>
    </>
  );
}

export default function Reports() {
  const [kind, setKind] = useState<Kind>('month');
  const [day, setDay] = useState<Dayjs>(dayjs());
  const period = periodKey(kind, day);
  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.reports.title')}
        extra={
          <Space wrap>
            <Radio.Group optionType="button" value={kind} onChange={(e) => setKind(e.target.value)} options={(['month', 'quarter', 'year'] as Kind[]).map((k) => ({ value: k, label: tk('web.reports.kind', k) }))} />
            <DatePicker value={day} onChange={(d) => d && setDay(d)} picker={kind === 'month' ? 'month' : kind === 'quarter' ? 'quarter' : 'year'} allowClear={false} />
          </Space>
        }
      />
      <Tabs
        items={[
          { key: 'stats', label: t('web.reports.statistics'), children: <Statistics period={period} /> },
          { key: 'assessment', label: t('web.reports.assessment'), children: <AssessmentView year={kind === 'quarter' ? period : period.slice(0, 4)} /> },
          { key: 'downloads', label: t('web.reports.downloads'), children: <Downloads period={period} day={day} /> },
        ]}
      />
    </div>
  );
}
