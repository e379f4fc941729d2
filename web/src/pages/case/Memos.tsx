import { DownloadOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Descriptions, Empty, Form, Grid, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { SafeText } from '../../components/SafeText.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtDate, fmtTime } from '../../lib/format.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { useAction } from '../../lib/hooks.ts';
import { may } from '../../lib/permissions.ts';
import { useMe } from '../../lib/session.tsx';
import type { CaseDetail, CaseSettings, Memo, MemoInput as MemoForm } from '../../lib/types.ts';

type MemoFormValues = Omit<MemoForm, 'due_date'> & { due?: Dayjs | null };

/** The 批示 clock in working days (the case settings' instruction_working_days), read once per page load. */
let settingsOnce: Promise<CaseSettings> | null = null;
function useInstructionDays(): number | string {
  const [days, setDays] = useState<number | string>('…');
  useEffect(() => {
    let live = true;
    (settingsOnce ??= api.get<CaseSettings>('/api/cases/settings'))
      .then((s) => live && setDays(s.instruction_working_days))
      .catch(() => {
        settingsOnce = null;
      });
    return () => {
      live = false;
    };
  }, []);
  return days;
}

function MemoFields({ lead }: { lead?: string }) {
  const deps = useDepartments();
  const days = useInstructionDays();
  return (
    <>
      <Form.Item name="summary" label={t('web.memo.summary')}>
        <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
      </Form.Item>
      <Form.Item name="analysis" label={t('web.memo.analysis')}>
        <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} />
      </Form.Item>
      <Form.Item name="suggestion" label={t('web.memo.suggestion')}>
        <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} />
      </Form.Item>
      <Form.Item name="office_opinion" label={t('web.memo.officeOpinion')}>
        <Input.TextArea autoSize={{ minRows: 2 }} maxLength={5000} />
      </Form.Item>
      <Space wrap>
        <Form.Item name="department_id" label={t('web.memo.department')}>
          <Select allowClear options={deps.options} placeholder={lead} style={{ minWidth: 180 }} data-testid="memo-department" />
        </Form.Item>
        <Form.Item name="due" label={t('web.memo.due')} extra={t('web.memo.dueHelp', { days })}>
          <DatePicker />
        </Form.Item>
      </Space>
    </>
  );
}

function clean(v: MemoFormValues): MemoForm {
  const { due, department_id, ...texts } = v;
  const out: MemoForm = Object.fromEntries(Object.entries(texts).filter(([, x]) => typeof x === 'string' && x.trim() !== '').map(([k, x]) => [k, (x as string).trim()]));
  if (department_id) out.department_id = department_id;
  if (due) out.due_date = due.format('YYYY-MM-DD');
  return out;
}

/** One memo (抄告单): its fields, the Word download, and the leaders' 批示 — usable on a phone. */
export function MemoCard({ memo, onChange }: { memo: Memo; onChange: () => void }) {
  const me = useMe();
  // A phone (a leader writing 批示 on the way): labels above the text, full-width buttons.
  const phone = Grid.useBreakpoint().md === false;
  const days = useInstructionDays();
  const deps = useDepartments();
  const { run, busy } = useAction();
  const [instructing, setInstructing] = useState(false);
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<MemoFormValues>();
  const instruct = async () => {
    if (await run(() => api.post(`/api/memos/${memo.id}/instructions`, { text: text.trim() }), t('web.app.saved'))) {
      setInstructing(false);
      setText('');
      onChange();
    }
  };
  const save = async () => {
    if (await run(() => api.patch(`/api/memos/${memo.id}`, clean(form.getFieldsValue())), t('web.app.saved'))) {
      setEditing(false);
      onChange();
    }
  };
  const handled = async (id: number) => {
    if (await run(() => api.post(`/api/instructions/${id}/handled`, {}), t('web.app.saved'))) onChange();
  };
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      styles={phone ? { body: { padding: 8 } } : undefined}
      data-testid={`memo-${memo.id}`}
      title={
        <Space wrap>
          <span>
            {t('web.memo.number')} {memo.number}
          </span>
          {memo.issue_no !== null && <Tag>{t('web.memo.issue', { year: memo.issue_year ?? '', no: memo.issue_no })}</Tag>}
          {memo.sent_at ? <Tag color="green">{t('web.memo.sent')}</Tag> : <Tag>{t('web.memo.notSent')}</Tag>}
        </Space>
      }
      extra={
        <Button size="small" icon={<DownloadOutlined />} onClick={() => void run(() => api.download(`/api/memos/${memo.id}/docx`, undefined, `${memo.number}.docx`))}>
          {t('web.memo.download')}
        </Button>
      }
    >
      <Descriptions column={1} size="small" bordered={!phone} layout={phone ? 'vertical' : 'horizontal'} data-testid="memo-fields">
        <Descriptions.Item label={t('web.memo.summary')}>
          <SafeText text={memo.summary} />
        </Descriptions.Item>
        {memo.analysis && (
          <Descriptions.Item label={t('web.memo.analysis')}>
            <SafeText text={memo.analysis} />
          </Descriptions.Item>
        )}
        {memo.suggestion && (
          <Descriptions.Item label={t('web.memo.suggestion')}>
            <SafeText text={memo.suggestion} />
          </Descriptions.Item>
        )}
        {memo.office_opinion && (
          <Descriptions.Item label={t('web.memo.officeOpinion')}>
            <SafeText text={memo.office_opinion} />
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('web.memo.department')}>{deps.nameOf(memo.department_id) || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('web.memo.due')}>{memo.due_at ? fmtDate(memo.due_at) : t('web.memo.dueInstruction', { days })}</Descriptions.Item>
        {memo.signed_at && (
          <Descriptions.Item label={t('web.memo.signed')}>
            {memo.signed_by_name ?? ''} {fmtTime(memo.signed_at)}
          </Descriptions.Item>
        )}
      </Descriptions>
      {memo.instructions.map((i) => (
        <Card key={i.id} size="small" type="inner" style={{ marginTop: 8, borderColor: '#ffccc7' }} title={`${t('web.memo.instruction')} · ${fmtTime(i.at)}`}>
          <Typography.Paragraph style={{ fontSize: 16, marginBottom: 4 }}>
            <SafeText text={i.text} />
          </Typography.Paragraph>
          <Space wrap>
            {i.due_at && (
              <Typography.Text type="secondary">
                {t('web.memo.instructionDue')}：{fmtTime(i.due_at)}
              </Typography.Text>
            )}
            {i.handled_at ? (
              <Tag color="green">
                {t('web.memo.handled')} {fmtTime(i.handled_at)}
              </Tag>
            ) : (
              may(me.role, 'cases.follow') && (
                <Button size="small" onClick={() => void handled(i.id)}>
                  {t('web.memo.handle')}
                </Button>
              )
            )}
          </Space>
        </Card>
      ))}
      <Space wrap style={{ marginTop: 8, width: phone ? '100%' : undefined }} direction={phone ? 'vertical' : 'horizontal'}>
        {may(me.role, 'memos.instruct') && (
          <Button type="primary" size="large" block={phone} icon={<EditOutlined />} onClick={() => setInstructing(true)} data-testid="memo-instruct">
            {t('web.memo.instruct')}
          </Button>
        )}
        {may(me.role, 'memos.create') && !memo.sent_at && (
          <Button onClick={() => void run(() => api.patch(`/api/memos/${memo.id}`, { sent: true }), t('web.app.saved')).then((ok) => ok && onChange())}>{t('web.memo.markSent')}</Button>
        )}
        {may(me.role, 'memos.create') && (
          <Button
            onClick={() => {
              form.setFieldsValue({ summary: memo.summary, analysis: memo.analysis ?? '', suggestion: memo.suggestion ?? '', office_opinion: memo.office_opinion ?? '', department_id: memo.department_id ?? undefined, due: memo.due_at ? dayjs(memo.due_at) : null });
              setEditing(true);
            }}
          >
            {t('web.common.edit')}
          </Button>
        )}
      </Space>
      <Modal open={instructing} title={t('web.memo.instruct')} onCancel={() => setInstructing(false)} onOk={() => void instruct()} okButtonProps={{ disabled: !text.trim(), 'data-testid': 'instruct-ok' }} confirmLoading={busy} destroyOnHidden>
        <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 4 }} maxLength={5000} placeholder={t('web.memo.instructionText')} data-testid="instruct-text" />
      </Modal>
      <Modal open={editing} title={t('web.common.edit')} onCancel={() => setEditing(false)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <MemoFields />
        </Form>
      </Modal>
    </Card>
  );
}

export function Memos({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const me = useMe();
  const { run, busy } = useAction();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<MemoFormValues>();
  const create = async () => {
    if (await run(() => api.post(`/api/cases/${c.id}/memos`, clean(form.getFieldsValue())), t('web.app.saved'))) {
      setOpen(false);
      form.resetFields();
      onChange();
    }
  };
  return (
    <div>
      {may(me.role, 'memos.create') && (
        <Button
          style={{ marginBottom: 12 }}
          onClick={() => {
            form.setFieldsValue({ summary: c.summary ?? c.title, department_id: c.lead_department_id ?? undefined });
            setOpen(true);
          }}
          data-testid="memo-new"
        >
          {t('web.memo.new')}
        </Button>
      )}
      {c.memos.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('web.memo.none')} />}
      {c.memos.map((m) => (
        <MemoCard key={m.id} memo={m} onChange={onChange} />
      ))}
      <Modal open={open} title={t('web.memo.new')} onCancel={() => setOpen(false)} onOk={() => void create()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'memo-create' }}>
        <Form form={form} layout="vertical">
          <MemoFields lead={c.lead_department?.name} />
        </Form>
      </Modal>
    </div>
  );
}
