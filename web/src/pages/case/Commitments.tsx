import { Button, DatePicker, Empty, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { ExternalLink, SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { may } from '../../lib/permissions.ts';
import { useMe } from '../../lib/session.tsx';
import type { CaseDetail, Commitment } from '../../lib/types.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { validValues } from '../../lib/forms.ts';

const STATUS_COLORS: Record<string, string> = { open: 'gold', done: 'green', waived: 'default' };

/** 整改承诺: what was promised, by whom, by when; done with the URL where the result was posted. */
export function Commitments({ c, onChange }: { c: CaseDetail; onChange: () => void }) {
  const me = useMe();
  const deps = useDepartments();
  const { run, busy } = useAction();
  const [adding, setAdding] = useState(false);
  const [doneOf, setDoneOf] = useState<Commitment | null>(null);
  const [waiveOf, setWaiveOf] = useState<Commitment | null>(null);
  const [form] = Form.useForm<{ what: string; department_id?: number; due_at: Dayjs }>();
  const [doneForm] = Form.useForm<{ result_url: string; comment?: string }>();
  const [reason, setReason] = useState('');
  const canManage = may(me.role, 'commitments.manage') && c.state !== 'closed';

  const add = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { what: v.what.trim(), due_at: v.due_at.endOf('day').toISOString(), ...(v.department_id ? { department_id: v.department_id } : {}) };
    if (await run(() => api.post(`/api/cases/${c.id}/commitments`, body), t('web.app.saved'))) {
      setAdding(false);
      form.resetFields();
      onChange();
    }
  };
  const done = async () => {
    const v = await validValues(doneForm);
    if (!v) return;
    if (await run(() => api.post(`/api/commitments/${doneOf!.id}/done`, { result_url: v.result_url.trim(), ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) }), t('web.app.saved'))) {
      setDoneOf(null);
      doneForm.resetFields();
      onChange();
    }
  };
  const waive = async () => {
    if (await run(() => api.post(`/api/commitments/${waiveOf!.id}/waive`, { reason: reason.trim() }), t('web.app.saved'))) {
      setWaiveOf(null);
      setReason('');
      onChange();
    }
  };

  return (
    <div>
      {canManage && (
        <Button style={{ marginBottom: 12 }} onClick={() => setAdding(true)} data-testid="commitment-new">
          {t('web.commitment.new')}
        </Button>
      )}
      {c.commitments.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('web.commitment.none')} />
      ) : (
        <Table<Commitment>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={c.commitments}
          scroll={{ x: true }}
          columns={[
            { title: t('web.commitment.what'), dataIndex: 'what', render: (v: string) => <SafeText text={v} /> },
            { title: t('web.commitment.department'), dataIndex: 'department_id', render: (id: number | null) => deps.nameOf(id) || '—' },
            { title: t('web.commitment.due'), dataIndex: 'due_at', render: fmtTime, width: 140 },
            {
              title: t('web.common.status'),
              key: 's',
              render: (_, x) => (
                <Space direction="vertical" size={2}>
                  <Tag color={STATUS_COLORS[x.status]}>{tk('web.commitment.status', x.status)}</Tag>
                  {x.result_url && <ExternalLink url={x.result_url} />}
                  {x.waived_reason && <SafeText text={x.waived_reason} />}
                </Space>
              ),
            },
            {
              title: t('web.common.actions'),
              key: 'a',
              render: (_, x) =>
                x.status === 'open' &&
                canManage && (
                  <Space>
                    <Button size="small" type="primary" onClick={() => setDoneOf(x)}>
                      {t('web.commitment.done')}
                    </Button>
                    {me.role === 'office' && (
                      <Button size="small" onClick={() => setWaiveOf(x)}>
                        {t('web.commitment.waive')}
                      </Button>
                    )}
                  </Space>
                ),
            },
          ]}
        />
      )}
      <Modal open={adding} title={t('web.commitment.new')} onCancel={() => setAdding(false)} onOk={() => void add()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="what" label={t('web.commitment.what')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.commitment.what') }) }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="department_id" label={t('web.commitment.department')}>
            <Select allowClear options={deps.options} placeholder={c.lead_department?.name} />
          </Form.Item>
          <Form.Item name="due_at" label={t('web.commitment.due')} rules={[{ required: true, message: t('web.common.required', { field: t('web.commitment.due') }) }]}>
            <DatePicker />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={doneOf !== null} title={t('web.commitment.done')} onCancel={() => setDoneOf(null)} onOk={() => void done()} confirmLoading={busy} destroyOnHidden>
        <Form form={doneForm} layout="vertical">
          <Form.Item name="result_url" label={t('web.commitment.resultUrl')} rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('web.response.urlInvalid') }]}>
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item name="comment" label={t('web.case.commentOptional')}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={waiveOf !== null} title={t('web.commitment.waive')} onCancel={() => setWaiveOf(null)} onOk={() => void waive()} okButtonProps={{ disabled: !reason.trim() }} confirmLoading={busy} destroyOnHidden>
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('web.commitment.waiveReason')} autoSize={{ minRows: 3 }} maxLength={2000} />
      </Modal>
    </div>
  );
}
