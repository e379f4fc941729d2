/**
 * The first-run checklist on the dashboard of a workspace that is not set up yet: each step
 * links to its form and ticks itself when the workspace shows it done (GET /api/setup); an
 * administrator can import the example workspace; the demo is named for those who want to look first.
 */
import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, List, Popconfirm, Progress, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { t, tk, type WebMessageKey } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { useLoad } from '../lib/hooks.ts';
import { may } from '../lib/permissions.ts';
import { Link } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import type { ExampleImport, SetupChecklist as Checklist } from '../lib/types.ts';

const LINKS: Record<string, string> = {
  departments: '/settings/departments',
  users: '/settings/users',
  sources: '/settings/sources',
  rules: '/settings/rules',
  channels: '/settings/channels',
  test: '/settings/channels',
};
const ADMIN_STEPS = new Set(['departments', 'users']);

export function SetupChecklist({ onChanged }: { onChanged?: () => void }) {
  const me = useMe();
  const { message } = App.useApp();
  const allowed = may(me.role, 'settings.manage');
  const setup = useLoad((signal) => (allowed ? api.get<Checklist>('/api/setup', undefined, { signal }) : Promise.resolve(undefined)), [allowed]);
  const [imported, setImported] = useState<ExampleImport | null>(null);
  const [busy, setBusy] = useState(false);
  const s = setup.data;
  if (!allowed || !s || (s.done && !imported)) return null;
  const done = s.steps.filter((x) => x.done).length;
  const importExample = async () => {
    setBusy(true);
    try {
      setImported(await api.post<ExampleImport>('/api/setup/example'));
      setup.reload();
      onChanged?.();
    } catch (err) {
      void message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title={t('web.setup.title')}
      extra={<Progress type="circle" size={40} percent={Math.round((done / s.steps.length) * 100)} format={() => `${done}/${s.steps.length}`} />}
      style={{ marginBottom: 16 }}
      data-testid="setup-checklist"
    >
      <Typography.Paragraph type="secondary">{t('web.setup.intro')}</Typography.Paragraph>
      <List
        dataSource={s.steps}
        renderItem={(step, i) => {
          const adminOnly = ADMIN_STEPS.has(step.key) && me.role !== 'admin';
          return (
            <List.Item
              data-testid={`setup-step-${step.key}`}
              data-done={step.done ? 'yes' : 'no'}
              actions={[
                adminOnly && !step.done ? (
                  <Typography.Text key="a" type="secondary">{t('web.setup.adminOnly')}</Typography.Text>
                ) : (
                  <Link key="go" to={LINKS[step.key]!}>{t('web.setup.go')}</Link>
                ),
              ]}
            >
              <List.Item.Meta
                avatar={step.done ? <CheckCircleFilled style={{ color: '#52c41a', fontSize: 20 }} /> : <ClockCircleOutlined style={{ color: '#bbb', fontSize: 20 }} />}
                title={`${i + 1}. ${t(`web.setup.step.${step.key}` as WebMessageKey)}${step.done && step.key !== 'test' ? `（${t('web.setup.count', { n: step.count })}）` : ''}`}
                description={t(`web.setup.step.${step.key}.help` as WebMessageKey)}
              />
            </List.Item>
          );
        }}
      />
      {s.can_import_example && (
        <Space direction="vertical" style={{ marginTop: 12, width: '100%' }}>
          <Typography.Text type="secondary">{t('web.setup.exampleHelp')}</Typography.Text>
          <Popconfirm title={t('web.setup.exampleConfirm')} onConfirm={() => void importExample()}>
            <Button loading={busy} data-testid="setup-example">{t('web.setup.example')}</Button>
          </Popconfirm>
        </Space>
      )}
      {imported && (
        <Alert
          type="success"
          style={{ marginTop: 12 }}
          message={t('web.setup.exampleDone')}
          description={
            <Table
              size="small"
              rowKey="username"
              pagination={false}
              dataSource={imported.users}
              columns={[
                { title: t('web.setup.username'), dataIndex: 'username' },
                { title: t('web.setup.name'), dataIndex: 'name' },
                { title: t('web.setup.role'), dataIndex: 'role', render: (r: string) => tk('web.role', r) },
                { title: t('web.setup.password'), dataIndex: 'password', render: (p: string) => <Typography.Text code copyable>{p}</Typography.Text> },
              ]}
            />
          }
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>{t('web.setup.demoRun')} <Typography.Text code>npm run demo</Typography.Text> {t('web.setup.demoOpens')} <Typography.Text code>wangfang</Typography.Text>{t('web.setup.demoPassword')} <Typography.Text code>minsheng-demo</Typography.Text>{t('web.setup.demoEnd')}
      </Typography.Paragraph>
    </Card>
  );
}
