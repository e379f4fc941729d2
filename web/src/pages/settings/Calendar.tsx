import { PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, DatePicker, Form, Input, Modal, Popconfirm, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import type { NamedDate } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

/** Named dates (两会, an estate's opening, anniversaries) that annotate peaks in the statistics. */
export default function Calendar() {
  const list = useLoad((signal) => api.get<NamedDate[]>('/api/reports/named-dates', undefined, { signal }), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; range: [Dayjs, Dayjs]; yearly: boolean; note?: string }>();
  const { run, busy } = useAction();
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { name: v.name.trim(), starts_on: v.range[0].format('YYYY-MM-DD'), ends_on: v.range[1].format('YYYY-MM-DD'), yearly: !!v.yearly, note: v.note?.trim() || null };
    if (await run(() => api.post('/api/reports/named-dates', body), t('web.app.saved'))) {
      setOpen(false);
      form.resetFields();
      list.reload();
    }
  };
  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.calendar.title')}
        intro={t('web.calendar.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            {t('web.calendar.new')}
          </Button>
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<NamedDate>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        columns={[
          { title: t('web.calendar.name'), dataIndex: 'name' },
          { title: t('web.calendar.range'), key: 'r', render: (_, d) => (d.ends_on && d.ends_on !== d.starts_on ? `${d.starts_on} ~ ${d.ends_on}` : d.starts_on) },
          { title: t('web.calendar.yearly'), dataIndex: 'yearly', render: (y: number | boolean) => (y ? <Tag color="blue">{t('web.calendar.yearly')}</Tag> : '') },
          { title: t('web.calendar.note'), dataIndex: 'note', render: (n: string | null) => n ?? '' },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, d) => (
              <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void run(() => api.delete(`/api/reports/named-dates/${d.id}`), t('web.app.deleted')).then(() => list.reload())}>
                <Button size="small" danger>
                  {t('web.common.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('web.calendar.new')} onCancel={() => setOpen(false)} onOk={() => void save()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('web.calendar.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.calendar.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="range" label={t('web.calendar.range')} rules={[{ required: true, message: t('web.common.required', { field: t('web.calendar.range') }) }]}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item name="yearly" valuePropName="checked">
            <Checkbox>{t('web.calendar.yearly')}</Checkbox>
          </Form.Item>
          <Form.Item name="note" label={t('web.calendar.note')}>
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
