import { PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtDate } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import type { WatchPeriod as Period } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

export default function Periods() {
  const list = useLoad((signal) => api.get<Period[]>('/api/watch-periods', undefined, { signal }), []);
  const [editing, setEditing] = useState<Period | 'new' | null>(null);
  const [form] = Form.useForm<{ name: string; keywords: string[]; range: [Dayjs, Dayjs]; boost: number }>();
  const { run, busy } = useAction();
  const open = (p: Period | 'new') => {
    setEditing(p);
    form.setFieldsValue(p === 'new' ? { name: '', keywords: [], boost: 1, range: undefined } : { name: p.name, keywords: p.keywords, boost: p.boost, range: [dayjs(p.starts_at), dayjs(p.ends_at)] });
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { name: v.name.trim(), keywords: v.keywords, boost: v.boost, starts: v.range[0].format('YYYY-MM-DD'), ends: v.range[1].format('YYYY-MM-DD') };
    if (await run(() => (editing === 'new' ? api.post('/api/watch-periods', body) : api.patch(`/api/watch-periods/${(editing as Period).id}`, body)), t('web.app.saved'))) {
      setEditing(null);
      list.reload();
    }
  };
  const now = new Date().toISOString();
  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.periods.title')}
        intro={t('web.periods.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('web.periods.new')}
          </Button>
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Period>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('web.periods.name'), dataIndex: 'name' },
          { title: t('web.periods.range'), key: 'r', render: (_, p) => `${fmtDate(p.starts_at)} ~ ${fmtDate(p.ends_at)}` },
          {
            title: t('web.common.status'),
            key: 's',
            render: (_, p) => (p.ends_at < now ? <Tag>{t('web.periods.past')}</Tag> : p.starts_at > now ? <Tag color="blue">{t('web.periods.future')}</Tag> : <Tag color="red">{t('web.periods.active')}</Tag>),
          },
          { title: t('web.periods.keywords'), dataIndex: 'keywords', render: (k: string[]) => (k.length ? k.map((x) => <Tag key={x}>{x}</Tag>) : t('web.common.all')) },
          { title: t('web.periods.boost'), dataIndex: 'boost' },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => open(p)}>
                  {t('web.common.edit')}
                </Button>
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void run(() => api.delete(`/api/watch-periods/${p.id}`), t('web.app.deleted')).then(() => list.reload())}>
                  <Button size="small" danger>
                    {t('web.common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={t('web.periods.new')} onCancel={() => setEditing(null)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.periods.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.periods.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="range" label={t('web.periods.range')} rules={[{ required: true, message: t('web.common.required', { field: t('web.periods.range') }) }]}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item name="keywords" label={t('web.periods.keywords')} extra={t('web.periods.keywordsHint')}>
            <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Form.Item name="boost" label={t('web.periods.boost')} extra={t('web.periods.boostHint')}>
            <InputNumber min={0} max={5} step={0.5} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
