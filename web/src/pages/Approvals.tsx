import { Alert, Button, Card, Empty, Input, List, Modal, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../App.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SafeText } from '../components/SafeText.tsx';
import { LevelTag } from '../components/Tags.tsx';
import { t, tk } from '../i18n.ts';
import { api } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';
import type { LedgerItem, LedgerPage, ResponseRow } from '../lib/types.ts';

interface Pending {
  c: LedgerItem;
  r: ResponseRow;
}

/** Replies waiting for my approval, as cards that work on a phone: read, approve, or return with a comment. */
export default function Approvals() {
  const pending = useLoad(async (signal) => {
    const cases = await api.get<LedgerPage>('/api/cases', { state: 'awaiting_approval', limit: 100 }, { signal });
    const out: Pending[] = [];
    for (const c of cases.items) {
      const responses = await api.get<ResponseRow[]>(`/api/cases/${c.id}/responses`, undefined, { signal });
      for (const r of responses) if (r.status === 'submitted') out.push({ c, r });
    }
    return out;
  }, []);
  const { run, busy } = useAction();
  const [decision, setDecision] = useState<{ p: Pending; action: 'approve' | 'return' } | null>(null);
  const [comment, setComment] = useState('');
  const decide = async () => {
    if (!decision) return;
    const body = comment.trim() ? { comment: comment.trim() } : {};
    if (await run(() => api.post(`/api/responses/${decision.p.r.id}/${decision.action}`, body), t('web.app.saved'))) {
      setDecision(null);
      setComment('');
      pending.reload();
    }
  };
  return (
    <div className="ms-page">
      <PageTitle title={t('web.approvals.title')} intro={t('web.approvals.intro')} />
      {pending.error && <LoadError error={pending.error} onRetry={pending.reload} />}
      {pending.loading && !pending.data ? (
        <Spin />
      ) : (pending.data ?? []).length === 0 ? (
        <Empty description={t('web.approvals.empty')} />
      ) : (
        <List
          dataSource={pending.data}
          split={false}
          renderItem={(p) => (
            <Card
              key={p.r.id}
              size="small"
              style={{ marginBottom: 12 }}
              data-testid={`approval-${p.r.id}`}
              title={
                <Space wrap size={4}>
                  <Link to={`/cases/${p.c.id}`}>{p.c.number}</Link>
                  <LevelTag level={p.c.level} />
                  <Tag>{tk('web.response.kind', p.r.kind)}</Tag>
                </Space>
              }
            >
              <Typography.Paragraph strong>
                <SafeText text={p.c.title} />
              </Typography.Paragraph>
              <Typography.Paragraph style={{ background: '#fafafa', padding: 8, fontSize: 15 }}>
                <SafeText text={p.r.body} />
              </Typography.Paragraph>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {p.c.lead_department} · {fmtTime(p.r.drafted_at)}
                {p.c.deadline_at && ` · ${t('web.cases.deadline')} ${fmtTime(p.c.deadline_at)}`}
              </Typography.Text>
              {p.c.overdue && <Alert type="error" message={t('web.cases.overdue')} style={{ marginTop: 8 }} />}
              <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
                <Button type="primary" size="large" style={{ flex: 1 }} onClick={() => setDecision({ p, action: 'approve' })} data-testid="approval-approve">
                  {t('web.response.approve')}
                </Button>
                <Button danger size="large" style={{ flex: 1 }} onClick={() => setDecision({ p, action: 'return' })} data-testid="approval-return">
                  {t('web.response.return')}
                </Button>
              </div>
            </Card>
          )}
        />
      )}
      <Modal
        open={decision !== null}
        title={decision?.action === 'approve' ? t('web.response.approve') : t('web.response.return')}
        onCancel={() => setDecision(null)}
        onOk={() => void decide()}
        confirmLoading={busy}
        okButtonProps={{ danger: decision?.action === 'return', disabled: decision?.action === 'return' && !comment.trim(), 'data-testid': 'approval-ok' }}
        destroyOnHidden
      >
        <Input.TextArea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          autoSize={{ minRows: 3 }}
          maxLength={5000}
          placeholder={decision?.action === 'return' ? t('web.response.returnComment') : t('web.response.reviewComment')}
        />
      </Modal>
    </div>
  );
}
