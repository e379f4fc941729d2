import { Card, Col, Empty, List, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { LoadError } from '../App.tsx';
import { Chart } from '../components/Chart.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SetupChecklist } from '../components/SetupChecklist.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { LevelTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtPercent, fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/hooks.ts';
import { useOnLiveAlert } from '../lib/live.tsx';
import { Link } from '../lib/router.tsx';
import { groupByMatter, type AlertRow } from '../lib/alerts.ts';
import type { Dashboard } from '../lib/types.ts';

const STATES = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'escalated', 'replied', 'following_up', 'closed'];
const OPEN_STATES = new Set(['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'escalated']);

/** 总览: today's volume, negative share, open alerts, cases, the trend, hot events and timeliness — live. */
export default function DashboardPage() {
  const data = useLoad((signal) => api.get<Dashboard>('/api/reports/dashboard', undefined, { signal }), []);
  const alerts = useLoad((signal) => api.get<AlertRow[]>('/api/alerts', { limit: 30 }, { signal }), []);
  useOnLiveAlert(() => {
    data.reload();
    alerts.reload();
  });
  const d = data.data;
  const trend = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('web.dashboard.total'), t('web.dashboard.negative')], bottom: 0 },
      grid: { left: 40, right: 16, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: (d?.trend ?? []).map((b) => b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('web.dashboard.total'),
          type: 'line',
          smooth: true,
          data: (d?.trend ?? []).map((b) => b.count),
          itemStyle: { color: '#1677ff' },
          markPoint: {
            data: (d?.trend ?? []).map((b, i) => (b.peak ? { coord: [i, b.count], value: b.count, name: b.events.join('、') || t('web.dashboard.peak') } : null)).filter((x) => x !== null),
            symbolSize: 36,
            label: { fontSize: 11 },
            tooltip: { formatter: (p: { name: string; value: number }) => `${t('web.dashboard.peak')} ${p.value}<br/>${p.name}` },
          },
        },
        { name: t('web.dashboard.negative'), type: 'bar', data: (d?.trend ?? []).map((b) => b.negative), itemStyle: { color: '#cf1322' } },
      ],
    }),
    [d],
  );
  const states = useMemo(() => {
    const present = STATES.filter((x) => d?.casesByState[x]);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 64, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: present.map((x) => tk('web.state', x)) },
      series: [{ type: 'bar', data: present.map((x) => ({ value: d!.casesByState[x], itemStyle: { color: OPEN_STATES.has(x) ? '#d46b08' : '#52c41a' } })), label: { show: true, position: 'right' } }],
    };
  }, [d]);
  const openCases = Object.entries(d?.casesByState ?? {}).reduce((n, [s, c]) => n + (OPEN_STATES.has(s) ? c : 0), 0);
  const recent = groupByMatter(alerts.data ?? []).slice(0, 8);
  return (
    <div className="ms-page">
      <PageTitle title={t('web.dashboard.title')} extra={d && <Typography.Text type="secondary">{t('web.dashboard.updatedAt', { time: fmtTime(d.generatedAt) })}</Typography.Text>} />
      <SetupChecklist onChanged={data.reload} />
      {data.error && <LoadError error={data.error} onRetry={data.reload} />}
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card size="small"><Statistic title={t('web.dashboard.todayPosts')} value={d?.today.posts ?? '—'} loading={!d} /></Card>
        </Col>
        <Col xs={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card size="small"><Statistic title={t('web.dashboard.negativeShare')} value={d ? fmtPercent(d.today.negativeShare) : '—'} loading={!d} valueStyle={{ color: d && d.today.negativeShare > 0.3 ? '#cf1322' : undefined }} /></Card>
        </Col>
        <Col xs={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card size="small"><Link to="/alerts?open=1"><Statistic title={t('web.dashboard.openAlerts')} value={d?.openAlerts ?? '—'} loading={!d} valueStyle={{ color: d?.openAlerts ? '#d46b08' : undefined }} /></Link></Card>
        </Col>
        <Col xs={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card size="small"><Link to="/cases"><Statistic title={t('web.dashboard.openCases')} value={d ? openCases : '—'} loading={!d} /></Link></Card>
        </Col>
        <Col xs={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card size="small"><Link to="/cases?overdue=1"><Statistic title={t('web.dashboard.overdue')} value={d?.overdue ?? '—'} loading={!d} valueStyle={{ color: d?.overdue ? '#cf1322' : undefined }} /></Link></Card>
        </Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('web.dashboard.trend')}>
            <Chart option={trend} height={280} testId="dashboard-trend" />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('web.dashboard.casesByState')}>
            {d && Object.keys(d.casesByState).length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('web.dashboard.noData')} /> : <Chart option={states} height={280} />}
          </Card>
        </Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('web.dashboard.recentAlerts')} data-testid="dashboard-alerts">
            <List
              size="small"
              dataSource={recent}
              locale={{ emptyText: t('web.alerts.empty') }}
              renderItem={(a) => (
                <List.Item>
                  <Space direction="vertical" size={0} style={{ width: '100%' }}>
                    <Space size={4} wrap>
                      <LevelTag level={a.level} />
                      {a.post_id ? <Link to={`/posts/${a.post_id}`}><SafeText text={a.title} /></Link> : <SafeText text={a.title} />}
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {fmtTime(a.created_at)} {a.acknowledged_at ? <Tag color="green">{t('web.alerts.acked')}</Tag> : <Tag color="orange">{t('web.alerts.unacked')}</Tag>}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('web.dashboard.hotEvents')}>
            <List
              size="small"
              dataSource={d?.hotEvents ?? []}
              locale={{ emptyText: t('web.dashboard.noData') }}
              renderItem={(e, i) => (
                <List.Item extra={<LevelTag level={e.riskLevel} />}>
                  <Space size={6}>
                    <Tag color={i < 3 ? 'red' : 'default'}>{i + 1}</Tag>
                    <Link to={`/events/${e.eventId}`}><SafeText text={e.title} /></Link>
                    <Typography.Text type="secondary">{e.posts}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('web.dashboard.hotIssues')}>
            <List
              size="small"
              dataSource={d?.hotIssues ?? []}
              locale={{ emptyText: t('web.dashboard.noData') }}
              renderItem={(h) => (
                <List.Item>
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong>
                      <SafeText text={h.name} />
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <SafeText text={h.title} />
                    </Typography.Text>
                    <Space size={2} wrap>
                      {h.terms.slice(0, 5).map((x) => (
                        <Tag key={x}>{x}</Tag>
                      ))}
                    </Space>
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('web.dashboard.timeliness')} style={{ marginTop: 12 }}>
        <Table
          rowKey={(r) => String(r.departmentId)}
          size="small"
          pagination={false}
          dataSource={d?.timeliness ?? []}
          scroll={{ x: true }}
          columns={[
            { title: t('web.common.department'), dataIndex: 'department' },
            { title: t('web.dashboard.cases'), dataIndex: 'cases' },
            { title: t('web.dashboard.onTimeRate'), dataIndex: 'onTimeRate', render: (v: number | null) => fmtPercent(v) },
            { title: t('web.dashboard.medianHours'), dataIndex: 'medianReplyHours', render: (v: number | null) => (v === null ? '—' : v.toFixed(1)) },
            { title: t('web.cases.overdue'), dataIndex: 'overdue', render: (v: number) => (v ? <Tag color="red">{v}</Tag> : 0) },
          ]}
        />
      </Card>
    </div>
  );
}
