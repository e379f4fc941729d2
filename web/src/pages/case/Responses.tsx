import { CheckCircleOutlined, PictureOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Form, Image, Input, List, Modal, Radio, Select, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ExternalLink, SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { may } from '../../lib/permissions.ts';
import { useMe } from '../../lib/session.tsx';
import type { CaseDetail, CheckResult, ReplyTemplates, ResponderAccount, ResponseItem } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

const STATUS_COLORS: Record<string, string> = { draft: 'default', submitted: 'gold', returned: 'magenta', approved: 'blue', posted: 'green' };
const KINDS = ['reply', 'firm', 'statement'];

function CheckIssues({ result }: { result: CheckResult | null }) {
  if (!result) return null;
  if (result.ok) return <Alert type="success" showIcon icon={<CheckCircleOutlined />} message={t('web.response.checkOk')} data-testid="check-ok" />;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      data-testid="check-issues"
      message={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {result.issues.map((i, n) => (
            <li key={n}>{i.message}</li>
          ))}
        </ul>
      }
    />
  );
}

/** Drafting a response from a template: the server fills the three parts and the department's phone. */
function DraftForm({ c, onDone }: { c: CaseDetail; onDone: () => void }) {
  const me = useMe();
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form) ?? 'reply';
  const templates = useLoad((signal) => api.get<ReplyTemplates>('/api/reply-templates', undefined, { signal }), []);
  const { run, busy } = useAction();
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''));
    if (await run(() => api.post(`/api/cases/${c.id}/responses`, body), t('web.app.saved'))) {
      form.resetFields();
      onDone();
    }
  };
  const options = (templates.data?.templates ?? []).filter((tp) => tp.kind === kind).map((tp) => ({ value: tp.name, label: tp.name }));
  return (
    <Card size="small" title={t('web.response.new')} style={{ marginBottom: 12 }}>
      <Form form={form} layout="vertical" initialValues={{ kind: 'reply', in_name_of: me.role === 'office' ? 'bureau' : 'department' }}>
        <Space wrap>
          <Form.Item name="kind" label={t('web.response.kind')}>
            <Radio.Group optionType="button" options={KINDS.map((k) => ({ value: k, label: tk('web.response.kind', k) }))} />
          </Form.Item>
          <Form.Item name="template" label={t('web.response.template')}>
            <Select allowClear style={{ width: 200 }} options={options} />
          </Form.Item>
          {me.role === 'office' && (
            <Form.Item name="in_name_of" label={t('web.response.inNameOf')}>
              <Select style={{ width: 200 }} options={['department', 'bureau'].map((k) => ({ value: k, label: tk('web.response.inNameOf', k) }))} />
            </Form.Item>
          )}
        </Space>
        {kind === 'firm' ? (
          <Form.Item name="facts" label={t('web.response.facts')}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={10000} id="draft-facts" />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="situation" label={t('web.response.situation')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} id="draft-situation" />
            </Form.Item>
            <Form.Item name="measures" label={t('web.response.measures')}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} id="draft-measures" />
            </Form.Item>
          </>
        )}
        <Button type="primary" onClick={() => void submit()} loading={busy} data-testid="draft-create">
          {t('web.response.new')}
        </Button>
      </Form>
    </Card>
  );
}

function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function ResponseCard({ r, c, onChange }: { r: ResponseItem; c: CaseDetail; onChange: () => void }) {
  const deps = useDepartments();
  const me = useMe();
  const { run, busy } = useAction();
  const [body, setBody] = useState(r.body);
  const [savedBody, setSavedBody] = useState(r.body);
  const [check, setCheck] = useState<CheckResult | null>(null);
  const [review, setReview] = useState<'approve' | 'return' | null>(null);
  const [comment, setComment] = useState('');
  const [posting, setPosting] = useState(false);
  const [postForm] = Form.useForm<{ url: string; responder_account_id?: number }>();
  const accounts = useLoad((signal) => (posting ? api.get<ResponderAccount[]>('/api/responder-accounts', undefined, { signal }) : Promise.resolve([] as ResponderAccount[])), [posting]);
  const editable = (r.status === 'draft' || r.status === 'returned') && may(me.role, 'cases.draft');

  const save = async (): Promise<boolean> => {
    if (body === savedBody) return true;
    if (!(await run(() => api.patch(`/api/responses/${r.id}`, { body })))) return false;
    setSavedBody(body);
    return true;
  };
  const saveAndCheck = async () => {
    if (!(await save())) return;
    const result = await run(() => api.get<CheckResult>(`/api/responses/${r.id}/check`));
    if (result) setCheck(result);
  };
  const submit = async () => {
    if (!(await save())) return;
    if (await run(() => api.post(`/api/responses/${r.id}/submit`), t('web.app.saved'))) onChange();
    else void run(() => api.get<CheckResult>(`/api/responses/${r.id}/check`)).then((x) => x && setCheck(x));
  };
  const decide = async () => {
    if (!review) return;
    if (await run(() => api.post(`/api/responses/${r.id}/${review}`, comment.trim() ? { comment: comment.trim() } : {}), t('web.app.saved'))) {
      setReview(null);
      setComment('');
      onChange();
    }
  };
  const posted = async () => {
    const v = await validValues(postForm);
    if (!v) return;
    if (await run(() => api.post(`/api/responses/${r.id}/posted`, { url: v.url.trim(), ...(v.responder_account_id ? { responder_account_id: v.responder_account_id } : {}) }), t('web.app.saved'))) {
      setPosting(false);
      onChange();
    }
  };
  const attach = async (file: File) => {
    const data_base64 = await fileToBase64(file);
    if (await run(() => api.post(`/api/responses/${r.id}/attachments`, { filename: file.name, data_base64 }), t('web.app.saved'))) onChange();
  };
  const verification = r.verification as { status?: string } | null;

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid={`response-${r.id}`}
      title={
        <Space wrap>
          <Tag>{tk('web.response.kind', r.kind)}</Tag>
          <Tag color={STATUS_COLORS[r.status]}>{tk('web.response.status', r.status)}</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('web.response.draftedBy')} {fmtTime(r.drafted_at)}
          </Typography.Text>
        </Space>
      }
    >
      {r.review_comment && <Alert type={r.status === 'returned' ? 'error' : 'info'} showIcon message={`${t('web.response.reviewComment')}：${r.review_comment}`} style={{ marginBottom: 8 }} />}
      {editable ? (
        <Input.TextArea value={body} onChange={(e) => setBody(e.target.value)} autoSize={{ minRows: 6 }} maxLength={20000} aria-label={t('web.response.body')} data-testid="response-body" />
      ) : (
        <Typography.Paragraph style={{ background: '#fafafa', padding: 8, marginBottom: 8 }}>
          <SafeText text={r.body} />
        </Typography.Paragraph>
      )}
      {r.attachments.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap style={{ margin: '8px 0' }}>
            {r.attachments.map((a) => (
              <Image key={a.id} width={96} src={`/api/attachments/${a.id}`} alt={a.filename} />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {r.url && (
        <div>
          {t('web.response.url')}：<ExternalLink url={r.url} /> {r.posted_at && <span style={{ color: '#888' }}>{fmtTime(r.posted_at)}</span>}{' '}
          {r.status === 'posted' && (verification?.status === 'verified' || r.verified_at ? <Tag color="green">{t('web.response.verified')}</Tag> : <Tag>{t('web.response.notVerified')}</Tag>)}
          {r.origin === 'collected' && (
            <Tag color="blue" title={t('web.response.collectedHelp')}>
              {t('web.response.collected')}
            </Tag>
          )}
          {r.department_id !== null && c.lead_department_id !== null && r.department_id !== c.lead_department_id && (
            <Tag color="purple" data-testid="response-other-department">
              {t('web.response.otherDepartment', { department: deps.nameOf(r.department_id) })}
            </Tag>
          )}
        </div>
      )}
      <div style={{ marginTop: 8 }}>
        <CheckIssues result={check} />
      </div>
      <Space wrap style={{ marginTop: 8 }}>
        {editable && (
          <>
            <Button onClick={() => void saveAndCheck()} loading={busy} data-testid="response-check">
              {t('web.response.check')}
            </Button>
            <Button type="primary" onClick={() => void submit()} loading={busy} data-testid="response-submit">
              {t('web.response.submit')}
            </Button>
            <Upload accept="image/png,image/jpeg,image/gif,image/webp" showUploadList={false} beforeUpload={(f) => (void attach(f), false)}>
              <Button icon={<PictureOutlined />}>{t('web.response.attach')}</Button>
            </Upload>
          </>
        )}
        {r.status === 'submitted' && may(me.role, 'cases.approve') && (
          <>
            <Button type="primary" onClick={() => setReview('approve')} data-testid="response-approve">
              {t('web.response.approve')}
            </Button>
            <Button danger onClick={() => setReview('return')} data-testid="response-return">
              {t('web.response.return')}
            </Button>
          </>
        )}
        {r.status === 'approved' && may(me.role, 'cases.recordReply') && c.state === 'awaiting_approval' && (
          <Button type="primary" onClick={() => setPosting(true)} data-testid="response-posted">
            {t('web.response.posted')}
          </Button>
        )}
      </Space>
      <Modal
        open={review !== null}
        title={review === 'approve' ? t('web.response.approve') : t('web.response.return')}
        onCancel={() => setReview(null)}
        onOk={() => void decide()}
        okButtonProps={{ danger: review === 'return', disabled: review === 'return' && !comment.trim(), 'data-testid': 'review-ok' }}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Input.TextArea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          autoSize={{ minRows: 3 }}
          placeholder={review === 'return' ? t('web.response.returnComment') : t('web.response.reviewComment')}
          maxLength={5000}
          data-testid="review-comment"
        />
      </Modal>
      <Modal open={posting} title={t('web.response.postedTitle')} onCancel={() => setPosting(false)} onOk={() => void posted()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'posted-ok' }}>
        <Form form={postForm} layout="vertical">
          <Form.Item
            name="url"
            label={t('web.response.url')}
            rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('web.response.urlInvalid') }]}
          >
            <Input placeholder="https://" id="posted-url" />
          </Form.Item>
          <Form.Item name="responder_account_id" label={t('web.response.account')}>
            <Select allowClear options={(accounts.data ?? []).map((a) => ({ value: a.id, label: `${a.username} @ ${a.site}（${a.user_name}）` }))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function Responses({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const me = useMe();
  const canDraft = may(me.role, 'cases.draft') && c.moves.includes('draft');
  return (
    <div>
      {canDraft && <DraftForm c={c} onDone={onChange} />}
      {c.responses.length === 0 && !canDraft && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      <List
        dataSource={[...c.responses].reverse()}
        renderItem={(r) => <ResponseCard key={`${r.id}-${r.status}-${r.body.length}`} r={r} c={c} onChange={onChange} />}
        locale={{ emptyText: ' ' }}
        split={false}
      />
    </div>
  );
}
