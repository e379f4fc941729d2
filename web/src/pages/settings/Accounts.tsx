import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Popconfirm, Select, Table } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { useMe } from '../../lib/session.tsx';
import type { ResponderAccount, User } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

export default function Accounts() {
  const me = useMe();
  const canRegister = me.role === 'office' || me.role === 'responder' || me.role === 'head';
  const list = useLoad((signal) => api.get<ResponderAccount[]>('/api/responder-accounts', undefined, { signal }), []);
  const users = useLoad((signal) => (me.role === 'office' ? api.get<User[]>('/api/users', undefined, { signal }) : Promise.resolve([] as User[])), [me.role]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ site: string; username: string; user_id?: number }>();
  const { run, busy } = useAction();

  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(() => api.post('/api/responder-accounts', { site: v.site.trim(), username: v.username.trim(), ...(v.user_id ? { user_id: v.user_id } : {}) }), t('web.app.saved'));
    if (ok) {
      setOpen(false);
      form.resetFields();
      list.reload();
    }
  };
  const remove = async (a: ResponderAccount) => {
    if (await run(() => api.delete(`/api/responder-accounts/${a.id}`), t('web.app.deleted'))) list.reload();
  };

  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.accounts.title')}
        intro={t('web.accounts.intro')}
        extra={
          canRegister && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
              {t('web.accounts.new')}
            </Button>
          )
        }
      />
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<ResponderAccount>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          { title: t('web.accounts.site'), dataIndex: 'site' },
          { title: t('web.accounts.username'), dataIndex: 'username' },
          { title: t('web.accounts.owner'), dataIndex: 'user_name' },
          { title: t('web.common.department'), dataIndex: 'department_name', render: (v: string | null) => v || '—' },
          { title: t('web.common.createdAt'), dataIndex: 'created_at', render: fmtTime },
          {
            title: t('web.common.actions'),
            key: 'a',
            render: (_, a) =>
              (a.user_id === me.id || me.role === 'office') && (
                <Popconfirm title={t('web.common.confirmDelete')} onConfirm={() => void remove(a)}>
                  <Button size="small" danger>
                    {t('web.common.delete')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal open={open} title={t('web.accounts.new')} onCancel={() => setOpen(false)} onOk={() => void save()} okText={t('web.common.save')} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="site" label={t('web.accounts.site')} extra={t('web.accounts.siteHint')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.accounts.site') }) }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="username" label={t('web.accounts.username')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.accounts.username') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          {me.role === 'office' && (
            <Form.Item name="user_id" label={t('web.accounts.owner')} extra={t('web.accounts.ownerHint')}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                options={(users.data ?? []).filter((u) => u.role === 'responder' || u.role === 'head' || u.role === 'office').map((u) => ({ value: u.id, label: `${u.display_name}（${u.username}）` }))}
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
