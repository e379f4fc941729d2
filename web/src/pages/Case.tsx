import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, List, Modal, Radio, Result, Select, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LevelTag, StateTag } from '../components/Tags.tsx';
import { ExternalLink, SafeText } from '../components/SafeText.tsx';
import { t, tk } from '../i18n.ts';
import { api, ApiError } from '../lib/api.ts';
import { fmtTime } from '../lib/format.ts';
import { useAction, useLoad } from '../lib/hooks.ts';
import { may } from '../lib/permissions.ts';
import { Link } from '../lib/router.tsx';
import { useMe } from '../lib/session.tsx';
import type { CaseCommand, CaseDetail } from '../lib/types.ts';
import { useDepartments } from '../lib/useDepartments.ts';
import { Commitments } from './case/Commitments.tsx';
import { Feedback } from './case/Feedback.tsx';
import { History } from './case/History.tsx';
import { Memos } from './case/Memos.tsx';
import { Responses } from './case/Responses.tsx';
import { SimilarCases } from './case/SimilarCases.tsx';
import { validValues } from '../lib/forms.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'];

/** 特别重大/重大: the 5 h / 24 h emergency clocks are proposed; the office confirms in one click or sets them aside. */
function EmergencyProposal({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const me = useMe();
  const { run, busy } = useAction();
  const decide = async (emergency: boolean) => {
    if (await run(() => api.patch(`/api/cases/${c.id}`, { emergency }), t('web.app.saved'))) onChange();
  };
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="emergency-proposal"
      message={t('web.case.emergencyProposed')}
      description={t('web.case.emergencyProposedHint')}
      action={
        may(me.role, 'cases.assign') && (
          <Space direction="vertical">
            <Button size="small" type="primary" danger loading={busy} onClick={() => void decide(true)} data-testid="emergency-confirm">
              {t('web.case.emergencyConfirm')}
            </Button>
            <Button size="small" loading={busy} onClick={() => void decide(false)}>
              {t('web.case.emergencyDismiss')}
            </Button>
          </Space>
        )
      }
    />
  );
}

function Actions({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const me = useMe();
  const deps = useDepartments();
  const { run, busy } = useAction();
  const [dialog, setDialog] = useState<'assign' | 'escalate' | 'edit' | 'close' | null>(null);
  const [reason, setReason] = useState('');
  const [assignForm] = Form.useForm<{ lead_department_id?: number; assisting_department_ids: number[]; comment?: string }>();
  const [escalateForm] = Form.useForm<{ to: 'office' | 'leader'; reason: string }>();
  const [editForm] = Form.useForm<{ title: string; summary?: string; level: string; emergency: boolean; hard: boolean }>();
  const [comment, setComment] = useState('');
  const move = async (path: string, body: unknown) => {
    if (await run(() => api.post(`/api/cases/${c.id}/${path}`, body), t('web.app.saved'))) {
      setDialog(null);
      setComment('');
      setReason('');
      onChange();
    }
  };
  const can = (m: CaseCommand) => c.moves.includes(m);
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      {can('assign') && may(me.role, 'cases.assign') && (
        <Button
          type="primary"
          onClick={() => {
            assignForm.setFieldsValue({ lead_department_id: c.lead_department_id ?? c.suggested_department_id ?? undefined, assisting_department_ids: c.assisting_departments.map((d) => d.id), comment: '' });
            setDialog('assign');
          }}
          data-testid="case-assign"
        >
          {t('web.case.assign')}
        </Button>
      )}
      {can('escalate') && may(me.role, 'cases.escalate') && <Button onClick={() => setDialog('escalate')}>{t('web.case.escalate')}</Button>}
      {can('follow') && may(me.role, 'cases.follow') && (
        <Button onClick={() => void move('follow', {})} loading={busy} data-testid="case-follow">
          {t('web.case.follow')}
        </Button>
      )}
      {can('close') && may(me.role, 'cases.close') && (
        <Button type="primary" data-testid="case-close" onClick={() => setDialog('close')}>
          {t('web.case.close')}
        </Button>
      )}
      {(c.state === 'replied' || c.state === 'following_up') && may(me.role, 'cases.follow') && (
        <Button onClick={() => void run(() => api.post(`/api/cases/${c.id}/verify`), t('web.case.verified')).then(() => onChange())}>{t('web.case.verify')}</Button>
      )}
      {c.emergency === 1 && !c.press_held_at && may(me.role, 'cases.assign') && <Button onClick={() => void move('press-conference', {})}>{t('web.case.recordPress')}</Button>}
      {may(me.role, 'cases.assign') && c.state !== 'closed' && (
        <Button
          onClick={() => {
            editForm.setFieldsValue({ title: c.title, summary: c.summary ?? '', level: c.level, emergency: c.emergency === 1, hard: c.hard === 1 });
            setDialog('edit');
          }}
        >
          {t('web.case.edit')}
        </Button>
      )}
      <Modal
        open={dialog === 'close'}
        title={t('web.case.closeConfirm')}
        onCancel={() => setDialog(null)}
        confirmLoading={busy}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'case-close-ok', disabled: c.open_items.text !== '' && !reason.trim() }}
        onOk={() => void move('close', { ...(comment.trim() ? { comment: comment.trim() } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) })}
      >
        {c.open_items.text && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('web.case.closeOpen', { open: c.open_items.text })} data-testid="close-open" />}
        {c.open_items.text && (
          <Form.Item label={t('web.case.closeReason')} required extra={t('web.case.closeReasonHelp')} layout="vertical">
            <Input.TextArea id="close-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
        )}
        <Form.Item label={t('web.case.commentOptional')} layout="vertical" style={{ marginBottom: 0 }}>
          <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} autoSize={{ minRows: 2 }} maxLength={2000} />
        </Form.Item>
      </Modal>
      <Modal open={dialog === 'assign'} title={t('web.case.assignTitle')} onCancel={() => setDialog(null)} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'assign-ok' }}
        onOk={() => void validValues(assignForm).then((v) => v && move('assign', { ...v, comment: v.comment?.trim() || undefined }))}
      >
        <Form form={assignForm} layout="vertical">
          {c.suggested_department && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={`${t('web.case.suggested')}：${c.suggested_department.name}`}
              description={c.suggestion_reasons.length ? c.suggestion_reasons.join('；') : undefined}
            />
          )}
          <Form.Item name="lead_department_id" label={t('web.cases.lead')} rules={[{ required: true, message: t('web.common.required', { field: t('web.cases.lead') }) }]}>
            <Select options={deps.options} showSearch optionFilterProp="label" data-testid="assign-lead" />
          </Form.Item>
          <Form.Item name="assisting_department_ids" label={t('web.cases.assisting')}>
            <Select mode="multiple" options={deps.options} optionFilterProp="label" />
          </Form.Item>
          <Form.Item name="comment" label={t('web.case.commentOptional')}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={dialog === 'escalate'} title={t('web.case.escalateTitle')} onCancel={() => setDialog(null)} confirmLoading={busy} destroyOnHidden onOk={() => void validValues(escalateForm).then((v) => v && move('escalate', { to: v.to, reason: v.reason.trim() }))}>
        <Form form={escalateForm} layout="vertical" initialValues={{ to: 'office' }}>
          <Form.Item name="to" label={t('web.case.escalateTo')}>
            <Radio.Group
              options={[
                { value: 'office', label: t('web.case.escalateOffice') },
                { value: 'leader', label: t('web.case.escalateLeader') },
              ]}
            />
          </Form.Item>
          <Form.Item name="reason" label={t('web.case.reason')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.case.reason') }) }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={dialog === 'edit'}
        title={t('web.case.edit')}
        onCancel={() => setDialog(null)}
        confirmLoading={busy}
        destroyOnHidden
        onOk={() =>
          void validValues(editForm).then(async (v) => {
            if (!v) return;
            if (await run(() => api.patch(`/api/cases/${c.id}`, { ...v, title: v.title.trim(), summary: v.summary?.trim() || null }), t('web.app.saved'))) {
              setDialog(null);
              onChange();
            }
          })
        }
      >
        <Form form={editForm} layout="vertical">
          <Form.Item name="title" label={t('web.cases.caseTitle')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.cases.caseTitle') }) }]}>
            <Input maxLength={300} />
          </Form.Item>
          <Form.Item name="summary" label={t('web.cases.summary')}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
          </Form.Item>
          <Form.Item name="level" label={t('web.cases.level')}>
            <Radio.Group optionType="button" options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} />
          </Form.Item>
          <Space>
            <Form.Item name="emergency" valuePropName="checked">
              <Checkbox>{t('web.cases.emergency')}</Checkbox>
            </Form.Item>
            <Form.Item name="hard" valuePropName="checked">
              <Checkbox>{t('web.cases.hard')}</Checkbox>
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </Space>
  );
}

export default function CasePage({ params }: { params: Record<string, string> }) {
  const id = Number(params.id);
  const me = useMe();
  const detail = useLoad((signal) => api.get<CaseDetail>(`/api/cases/${id}`, undefined, { signal }), [id]);
  const c = detail.data;
  if (detail.error && !c) {
    const status = detail.error instanceof ApiError ? detail.error.status : 0;
    return (
      <div className="ms-page">
        <Result
          status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
          title={status === 403 || status === 404 ? t('web.case.notFoundOrForbidden') : detail.error.message}
          extra={<Link to="/cases">{t('web.case.back')}</Link>}
          data-testid="case-unreachable"
        />
      </div>
    );
  }
  if (!c) return <Spin style={{ display: 'block', margin: 48 }} />;
  return (
    <div className="ms-page" data-testid="case-page">
      <Space style={{ marginBottom: 8 }}>
        <Link to="/cases">
          <ArrowLeftOutlined /> {t('web.case.back')}
        </Link>
      </Space>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        <Space wrap>
          <span>{c.number}</span>
          <SafeText text={c.title} />
          <StateTag state={c.state} />
          <LevelTag level={c.level} />
          {c.emergency === 1 && <Tag color="red">{t('web.cases.emergency')}</Tag>}
          {c.hard === 1 && <Tag color="purple">{t('web.cases.hard')}</Tag>}
          {c.overdue === 1 && <Tag color="red">{t('web.cases.overdue')}</Tag>}
        </Space>
      </Typography.Title>
      <Actions c={c} onChange={detail.reload} />
      {c.emergency_proposed === 1 && c.emergency === 0 && <EmergencyProposal c={c} onChange={detail.reload} />}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t('web.cases.lead')}>{c.lead_department?.name ?? <Tag>{t('web.cases.unassigned')}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t('web.cases.assisting')}>{c.assisting_departments.map((d) => d.name).join('、') || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('web.case.suggested')}>{c.suggested_department?.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('web.cases.openedAt')}>{fmtTime(c.opened_at)}</Descriptions.Item>
          <Descriptions.Item label={t('web.cases.deadline')}>
            <span style={{ color: c.overdue ? '#cf1322' : undefined }}>
              {fmtTime(c.deadline_at)} {c.deadline_kind && `（${tk('web.deadline', c.deadline_kind)}）`}
            </span>
          </Descriptions.Item>
          {c.replied_at && <Descriptions.Item label={t('web.case.repliedAt')}>{fmtTime(c.replied_at)}</Descriptions.Item>}
          {c.closed_at && <Descriptions.Item label={t('web.case.closedAt')}>{fmtTime(c.closed_at)}</Descriptions.Item>}
          {c.close_reason && (
            <Descriptions.Item label={t('web.case.closeReason')} span={3}>
              <span data-testid="case-close-reason">
                {c.closed_with_open && <Tag color="orange">{c.closed_with_open}</Tag>}
                <SafeText text={c.close_reason} />
              </span>
            </Descriptions.Item>
          )}
          {c.press_deadline_at && <Descriptions.Item label={t('web.case.pressDeadline')}>{c.press_held_at ? `${t('web.case.pressHeld')} ${fmtTime(c.press_held_at)}` : fmtTime(c.press_deadline_at)}</Descriptions.Item>}
        </Descriptions>
        {c.summary && (
          <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>
            <SafeText text={c.summary} />
          </Typography.Paragraph>
        )}
        {c.suggestion_reasons.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
            {t('web.case.suggestedWhy')}：{c.suggestion_reasons.join('；')}
          </Typography.Paragraph>
        )}
      </Card>
      <Tabs
        defaultActiveKey={c.memos.some((m) => m.instructions.length === 0) ? 'memos' : 'responses'}
        items={[
          { key: 'responses', label: `${t('web.case.responses')} (${c.responses.length})`, children: <Responses c={c} onChange={detail.reload} /> },
          {
            key: 'posts',
            label: `${t('web.case.posts')} (${c.posts.length})`,
            children: (
              <List
                dataSource={c.posts}
                locale={{ emptyText: t('web.case.noPosts') }}
                renderItem={(p) => (
                  <List.Item extra={<LevelTag level={p.risk_level} />}>
                    <List.Item.Meta
                      title={<Link to={`/posts/${p.id}`}><SafeText text={p.title} /></Link>}
                      description={
                        <Space wrap size={4}>
                          <span>{p.source_name}</span>
                          <span>{p.author ?? ''}</span>
                          <span>{fmtTime(p.published_at)}</span>
                          <ExternalLink url={p.url}>{t('web.common.open')}</ExternalLink>
                        </Space>
                      }
                    />
                  </List.Item>
                )}
              />
            ),
          },
          {
            key: 'feedback',
            label: `${t('web.case.feedback')} (${c.feedback.items.length})`,
            children: <Feedback c={c} />,
          },
          { key: 'memos', label: `${t('web.case.memos')} (${c.memos.length})`, children: <Memos c={c} onChange={detail.reload} /> },
          { key: 'commitments', label: `${t('web.case.commitments')} (${c.commitments.length})`, children: <Commitments c={c} onChange={detail.reload} /> },
          {
            key: 'similar',
            label: t('web.similar.title'),
            children: (
              <SimilarCases
                path={`/api/cases/${c.id}/similar-cases`}
                onStart={
                  may(me.role, 'cases.draft') && c.moves.includes('draft')
                    ? async (s) => {
                        await api.post(`/api/cases/${c.id}/responses`, { from_response: s.reply?.id });
                        detail.reload();
                        return t('web.similar.started');
                      }
                    : undefined
                }
              />
            ),
          },
          { key: 'history', label: t('web.case.history'), children: <History events={c.events} /> },
        ]}
      />
    </div>
  );
}
