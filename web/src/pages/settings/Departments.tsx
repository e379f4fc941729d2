import { PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, Modal, Table, Tag } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { useMe } from '../../lib/session.tsx';
import type { Department, DepartmentInput as FormValues } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

export default function Departments() {
  const me = useMe();
  const canEdit = me.role === 'admin';
  const list = useLoad((signal) => api.get<Department[]>('/api/departments', undefined, { signal }), []);
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const { run, busy } = useAction();

  const open = (d: Department | 'new') => {
    setEditing(d);
    form.resetFields();
    form.setFieldsValue(d === 'new' ? { code: '', name: '', phone: '', is_office: false, general_hours: false } : { code: d.code, name: d.name, phone: d.phone ?? '', is_office: d.is_office === 1, general_hours: d.general_hours === 1 });
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = { code: v.code.trim(), name: v.name.trim(), phone: v.phone?.trim() || null, is_office: !!v.is_office, general_hours: !!v.general_hours };
    const ok = await run(() => (editing === 'new' ? api.post('/api/departments', body) : api.patch(`/api/departments/${(editing as Department).id}`, body)), t('web.app.saved'));
    if (ok) {
      setEditing(null);
      list.reload();
    }
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.departments.title')}
        extra={
          canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
              {t('web.departments.new')}
            </Button>
          )
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<Department>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('web.departments.code'), dataIndex: 'code' },
          { title: t('web.departments.name'), dataIndex: 'name', render: (v: string, d) => (<>{v} {d.is_office === 1 && <Tag color="red">{t('web.departments.isOffice')}</Tag>}{d.general_hours === 1 && <Tag>{t('web.departments.generalHoursTag')}</Tag>}</>) },
          { title: t('web.departments.phone'), dataIndex: 'phone', render: (v: string | null) => v || '—' },
          ...(canEdit ? [{ title: t('web.common.actions'), key: 'a', render: (_: unknown, d: Department) => <Button size="small" onClick={() => open(d)}>{t('web.common.edit')}</Button> }] : []),
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('web.departments.new') : editing ? t('web.departments.editTitle', { name: editing.name }) : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('web.common.save')}
        confirmLoading={busy}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="code"
            label={t('web.departments.code')}
            extra={t('web.departments.codeHint')}
            rules={[
              { required: true, message: t('web.common.required', { field: t('web.departments.code') }) },
              { pattern: /^[A-Za-z0-9_.-]+$/, message: t('web.departments.codeInvalid') },
            ]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="name" label={t('web.departments.name')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.departments.name') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="phone" label={t('web.departments.phone')}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="is_office" valuePropName="checked">
            <Checkbox>{t('web.departments.isOffice')}</Checkbox>
          </Form.Item>
          <Form.Item name="general_hours" valuePropName="checked" extra={t('web.departments.generalHoursHint')}>
            <Checkbox data-testid="department-general-hours">{t('web.departments.generalHours')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
