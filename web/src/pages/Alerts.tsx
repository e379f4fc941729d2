import { CheckOutlined } from '@ant-design/icons';
import { Badge, Button, Checkbox, Grid, List, Select, Space, Table, Tag, Typography } from 'antd';
import { LoadError } from '../App.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { LevelTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { useLive, useOnLiveAlert } from '../lib/live.tsx';
import { groupByMatter, type AlertRow } from '../lib/alerts.ts';
import { Link, useSearchParams } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import { AlertPreferencesButton } from './AlertPreferences.tsx';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];

export default function Alerts() {
  const [search, setSearch] = useSearchParams();
  const level = search.get('level') ?? undefined;
  const onlyOpen = search.get('open') === '1';
  const list = useLoad((signal) => api.get<AlertRow[]>('/api/alerts', { level, acknowledged: onlyOpen ? 'false' : undefined, limit: 300 }, { signal }), [level, onlyOpen]);
  const live = useLive();
  const { run } = useAction();
  useOnLiveAlert(() => list.reload());
  const rows = groupByMatter(list.data ?? []);
  const me = useMe();
  // A responder or head acknowledges their own department's alerts only (the server says the same).
  const mayAck = (a: AlertRow) => !(me.role === 'responder' || me.role === 'head') || a.department_id === me.departmentId;
  const ack = async (id: number) => {
    if (await run(() => api.post(`/api/alerts/${id}/ack`), t('web.alerts.acked'))) list.reload();
  };
  // On a phone: one card per alert (level, title, time, links, 确认) instead of a table to scroll sideways.
  const narrow = Grid.useBreakpoint().md === false;
  const ackCell = (a: AlertRow) =>
    a.acknowledged_at ? (
      <Tag color="green">{t('web.alerts.ackedAt', { time: fmtTime(a.acknowledged_at) })}</Tag>
    ) : !mayAck(a) ? null : (
      <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => void ack(a.id)} data-testid={`ack-${a.id}`}>
        {t('web.alerts.ack')}
      </Button>
    );
  return (
    <div className="ms-page">
      <PageTitle
        title={
          <Space>
            {t('web.alerts.title')}
            <Badge status={live.connected ? 'processing' : 'default'} text={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{live.connected ? t('web.alerts.live') : t('web.alerts.liveOff')}</Typography.Text>} />
          </Space>
        }
        extra={
          <Space wrap>
            <AlertPreferencesButton />
            {live.unread > 0 && (
              <Button onClick={() => void run(() => live.markAllRead())}>
                {t('web.alerts.markAllRead')} ({live.unread})
              </Button>
            )}
          </Space>
        }
      />
      <div className="ms-toolbar">
        <Select allowClear placeholder={t('web.alerts.level')} style={{ width: 120 }} value={level} options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} onChange={(v) => setSearch({ level: v })} />
        <Checkbox checked={onlyOpen} onChange={(e) => setSearch({ open: e.target.checked ? '1' : null })}>
          {t('web.alerts.onlyUnacked')}
        </Checkbox>
      </div>
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {narrow ? (
        <List
          data-testid="alerts-list"
          loading={list.loading && !list.data}
          dataSource={rows}
          locale={{ emptyText: t('web.alerts.empty') }}
          pagination={rows.length > 30 ? { pageSize: 30, size: 'small' } : false}
          renderItem={(a) => (
            <List.Item style={{ display: 'block', padding: '10px 0' }}>
              <Space size={4} wrap>
                <LevelTag level={a.level} />
                <Tag>{tk('web.alerts.kind', a.kind)}</Tag>
                {a.escalated_at && <Tag color="volcano">{t('web.alerts.escalated')}</Tag>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{fmtTime(a.created_at)}</Typography.Text>
              </Space>
              <div style={{ fontWeight: 600, margin: '4px 0', wordBreak: 'break-word' }}>
                <SafeText text={a.title} />
              </div>
              <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 6, whiteSpace: 'pre-line' }} ellipsis={{ rows: 3, expandable: true, symbol: t('web.common.detail') }}>
                {a.body}
              </Typography.Paragraph>
              <Space size={12} wrap>
                {a.post_id && <Link to={`/posts/${a.post_id}`}>{t('web.alerts.openPost')}</Link>}
                {a.case_id && <Link to={`/cases/${a.case_id}`}>{t('web.alerts.openCase')}</Link>}
                {ackCell(a)}
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Table
          rowKey="id"
          loading={list.loading && !list.data}
          dataSource={rows}
          locale={{ emptyText: t('web.alerts.empty') }}
          scroll={{ x: true }}
          pagination={{ pageSize: 30, hideOnSinglePage: true }}
          columns={[
            { title: t('web.alerts.createdAt'), dataIndex: 'created_at', render: fmtTime, width: 140 },
            { title: t('web.alerts.level'), dataIndex: 'level', render: (l: string) => <LevelTag level={l} />, width: 90 },
            {
              title: t('web.alerts.alertTitle'),
              key: 'title',
              render: (_, a) => (
                <div>
                  <Space size={4} wrap>
                    <Tag>{tk('web.alerts.kind', a.kind)}</Tag>
                    <Typography.Text strong>
                      <SafeText text={a.title} />
                    </Typography.Text>
                    {a.escalated_at && <Tag color="volcano">{t('web.alerts.escalated')}</Tag>}
                  </Space>
                  <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }} ellipsis={{ rows: 2, expandable: true, symbol: t('web.common.detail') }}>
                    {a.body}
                  </Typography.Paragraph>
                  <Space size={12}>
                    {a.post_id && <Link to={`/posts/${a.post_id}`}>{t('web.alerts.openPost')}</Link>}
                    {a.case_id && <Link to={`/cases/${a.case_id}`}>{t('web.alerts.openCase')}</Link>}
                  </Space>
                </div>
              ),
            },
            { title: t('web.alerts.channels'), key: 'ch', render: (_, a) => a.channels.map((c) => <Tag key={c}>{c}</Tag>) },
            { title: t('web.alerts.status'), dataIndex: 'status', render: (s: string) => tk('web.alerts.status', s), width: 90 },
            {
              title: t('web.common.actions'),
              key: 'ack',
              width: 130,
              render: (_, a) => ackCell(a),
            },
          ]}
        />
      )}
    </div>
  );
}
