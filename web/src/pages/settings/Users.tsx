import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t, tk } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import { ROLES } from '../../lib/navigation.ts';
import { useMe } from '../../lib/session.tsx';
import type { CreatedUser, User, UserInput } from '../../lib/types.ts';
import { useDepartments } from '../../lib/useDepartments.ts';
import { SetupChecklist } from '../../components/SetupChecklist.tsx';
import { validValues } from '../../lib/forms.ts';

type FormValues = Omit<UserInput, 'password'>;

/** A password in a way the user can copy; it is shown once and never again. */
function showInitialPassword(user: { display_name: string; username: string }, password: string) {
  Modal.success({
    title: t('web.users.initialPasswordTitle'),
    content: (
      <div>
        <p>{t('web.users.initialPasswordText', { name: user.display_name, username: user.username })}</p>
        <Typography.Text code copyable={{ text: password }} style={{ fontSize: 18 }} data-testid="initial-password">
          {password}
        </Typography.Text>
      </div>
    ),
  });
}

function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export default function Users() {
  const me = useMe();
  const canEdit = me.role === 'admin';
  const list = useLoad((signal) => api.get<User[]>('/api/users', undefined, { signal }), []);
  const deps = useDepartments();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const role = Form.useWatch('role', form);
  const { run, busy } = useAction();

  const open = (u: User | 'new') => {
    setEditing(u);
    form.resetFields();
    form.setFieldsValue(
      u === 'new'
        ? { username: '', display_name: '', role: 'responder', department_id: null, phone: '', email: '', active: true }
        : { username: u.username, display_name: u.display_name, role: u.role, department_id: u.department_id, phone: u.phone ?? '', email: u.email ?? '', active: u.active === 1 },
    );
  };
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body = {
      display_name: v.display_name.trim(),
      role: v.role,
      department_id: v.department_id ?? null,
      phone: v.phone?.trim() || null,
      email: v.email?.trim() || null,
      active: v.active !== false,
    };
    if (editing === 'new') {
      const created = await run(() => api.post<CreatedUser>('/api/users', { ...body, username: v.username.trim() }), t('web.app.saved'));
      if (created) {
        setEditing(null);
        list.reload();
        if (created.initialPassword) showInitialPassword(created.user, created.initialPassword);
      }
    } else if (editing) {
      const ok = await run(() => api.patch(`/api/users/${editing.id}`, body), t('web.app.saved'));
      if (ok) {
        setEditing(null);
        list.reload();
      }
    }
  };
  const resetPassword = async (u: User) => {
    const password = generatePassword();
    const ok = await run(() => api.patch(`/api/users/${u.id}`, { password }));
    if (ok) {
      list.reload();
      showInitialPassword(u, password);
    }
  };

  const needsDepartment = role === 'responder' || role === 'head';
  return (
    <div className="ms-page">
      <PageTitle
        title={t('web.users.title')}
        extra={
          canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="new-user">
              {t('web.users.new')}
            </Button>
          )
        }
      />
      {canEdit && <SetupChecklist onChanged={list.reload} />}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      <Table<User>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          { title: t('web.users.username'), dataIndex: 'username' },
          { title: t('web.users.displayName'), dataIndex: 'display_name' },
          { title: t('web.users.role'), dataIndex: 'role', render: (r: string) => tk('web.role', r) },
          { title: t('web.users.department'), dataIndex: 'department_id', render: (id: number | null) => deps.nameOf(id) || '—' },
          { title: t('web.users.phone'), dataIndex: 'phone', render: (v: string | null) => v || '—' },
          {
            title: t('web.common.status'),
            key: 'status',
            render: (_, u) => (
              <Space size={4}>
                {u.active === 1 ? <Tag color="green">{t('web.common.enabled')}</Tag> : <Tag>{t('web.common.disabled')}</Tag>}
                {u.must_change_password === 1 && <Tag color="orange">{t('web.users.mustChange')}</Tag>}
              </Space>
            ),
          },
          ...(canEdit
            ? [
                {
                  title: t('web.common.actions'),
                  key: 'a',
                  render: (_: unknown, u: User) => (
                    <Space>
                      <Button size="small" onClick={() => open(u)}>
                        {t('web.common.edit')}
                      </Button>
                      <Popconfirm title={t('web.users.resetPasswordConfirm', { name: u.display_name })} onConfirm={() => void resetPassword(u)}>
                        <Button size="small">{t('web.users.resetPassword')}</Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('web.users.new') : editing ? t('web.users.editTitle', { name: editing.display_name }) : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('web.common.save')}
        confirmLoading={busy}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label={t('web.users.username')}
            rules={[
              { required: true, message: t('web.common.required', { field: t('web.users.username') }) },
              { pattern: /^[A-Za-z0-9_.@-]{2,64}$/, message: t('web.users.usernameInvalid') },
            ]}
          >
            <Input disabled={editing !== 'new'} maxLength={64} />
          </Form.Item>
          <Form.Item name="display_name" label={t('web.users.displayName')} rules={[{ required: true, whitespace: true, message: t('web.common.required', { field: t('web.users.displayName') }) }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="role" label={t('web.users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((r) => ({ value: r, label: tk('web.role', r) }))} />
          </Form.Item>
          <Form.Item name="department_id" label={t('web.users.department')} rules={needsDepartment ? [{ required: true, message: t('web.users.departmentNeeded') }] : []}>
            <Select allowClear options={deps.options} />
          </Form.Item>
          <Form.Item name="phone" label={t('web.users.phone')}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="email" label={t('web.users.email')} rules={[{ type: 'email', message: t('web.users.emailInvalid') }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="active" label={t('web.users.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
