/**
 * The source wizard: paste a URL (or pick a platform from the RSSHub catalogue) → the server
 * recognises what it is and previews what would be collected, in the charset it found → name
 * it and save. “调整采集参数” hands what was found to the full source form.
 */
import { Alert, App, Button, Form, Input, List, Modal, Select, Space, Steps, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ExternalLink, SafeText } from '../../components/SafeText.tsx';
import { t, tk } from '../../i18n.ts';
import { api, ApiError } from '../../lib/api.ts';
import { fmtTime } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import type { RsshubRoute, SourceDetection } from '../../lib/types.ts';

export interface WizardResult {
  name: string;
  kind: string;
  url: string;
  config: Record<string, unknown>;
}

export function SourceWizard({ open, onClose, onSaved, onAdjust }: { open: boolean; onClose: () => void; onSaved: () => void; onAdjust: (found: WizardResult) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [tab, setTab] = useState<'url' | 'rsshub'>('url');
  const [found, setFound] = useState<SourceDetection | null>(null);
  const [busy, setBusy] = useState(false);
  const rsshub = useLoad((signal) => (open ? api.get<{ base_url: string | null; routes: RsshubRoute[] }>('/api/rsshub', undefined, { signal }) : Promise.resolve(undefined)), [open]);
  const routeId = Form.useWatch('route', form) as string | undefined;
  const route = rsshub.data?.routes.find((r) => r.id === routeId);
  useEffect(() => {
    if (rsshub.data) form.setFieldValue('base_url', rsshub.data.base_url ?? '');
  }, [rsshub.data, form]);

  const fail = (err: unknown) => {
    const fields = err instanceof ApiError ? (err.details as { fields?: { path: string[]; message: string }[] } | undefined)?.fields : undefined;
    if (fields?.length) form.setFields(fields.map((f) => ({ name: f.path[0] === 'params' ? ['params', f.path[1]!] : f.path[0] === 'base_url' ? 'base_url' : 'url', errors: [f.message] })));
    else void message.error((err as Error).message);
  };
  const saveBase = async () => {
    const base = String(form.getFieldValue('base_url') ?? '').trim();
    try {
      await api.put('/api/rsshub', { base_url: base || null });
      void message.success(t('web.app.saved'));
      rsshub.reload();
    } catch (err) {
      fail(err);
    }
  };
  const detect = async () => {
    const names = tab === 'url' ? ['url'] : ['route', ...(route?.params.filter((p) => !p.optional).map((p) => ['params', p.name]) ?? [])];
    const v = await form.validateFields(names as never).catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const body = tab === 'url' ? { url: String(form.getFieldValue('url')).trim() } : { rsshub: { route: routeId!, params: Object.fromEntries(Object.entries((form.getFieldValue('params') ?? {}) as Record<string, string | undefined>).filter(([, x]) => x).map(([k, x]) => [k, String(x).trim()])) } };
      const res = await api.post<SourceDetection>('/api/sources/detect', body);
      setFound(res);
      const suggested = tab === 'rsshub' && route ? `${route.platform_name}：${Object.values(body.rsshub?.params ?? {}).join(' ')}` : (res.name ?? '');
      form.setFieldValue('name', suggested.slice(0, 100));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!found) return;
    const v = await form.validateFields(['name']).catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      await api.post('/api/sources', { name: String(form.getFieldValue('name')).trim(), kind: found.kind, url: found.url, config: found.config });
      void message.success(t('web.app.saved'));
      close();
      onSaved();
    } catch (err) {
      void message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setFound(null);
    form.resetFields();
    onClose();
  };

  return (
    <Modal open={open} width={760} title={t('web.wizard.title')} onCancel={close} footer={null} destroyOnHidden>
      <Steps size="small" current={found ? 1 : 0} style={{ marginBottom: 16 }} items={[{ title: t('web.wizard.stepSource') }, { title: t('web.wizard.stepPreview') }]} />
      <Form form={form} layout="vertical">
        {!found && (
          <>
            <Tabs
              activeKey={tab}
              onChange={(k) => setTab(k as 'url' | 'rsshub')}
              items={[
                {
                  key: 'url',
                  label: t('web.wizard.tabUrl'),
                  children: (
                    <Form.Item name="url" label={t('web.wizard.url')} extra={t('web.wizard.urlHelp')} rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('web.form.url', { field: t('web.wizard.url') }) }]}>
                      <Input placeholder="https://" data-testid="wizard-url" onPressEnter={() => void detect()} />
                    </Form.Item>
                  ),
                },
                {
                  key: 'rsshub',
                  label: t('web.wizard.tabRsshub'),
                  children: (
                    <>
                      <Form.Item label={t('web.wizard.rsshubBase')} extra={t('web.wizard.rsshubBaseHelp')}>
                        <Space.Compact style={{ width: '100%' }}>
                          <Form.Item name="base_url" noStyle>
                            <Input placeholder="http://127.0.0.1:1200" data-testid="wizard-rsshub-base" />
                          </Form.Item>
                          <Button onClick={() => void saveBase()}>{t('web.wizard.rsshubSave')}</Button>
                        </Space.Compact>
                      </Form.Item>
                      <Form.Item name="route" label={t('web.wizard.route')} rules={[{ required: true, message: t('web.form.required', { field: t('web.wizard.route') }) }]}>
                        <Select
                          showSearch
                          optionFilterProp="label"
                          data-testid="wizard-route"
                          options={Object.values(
                            (rsshub.data?.routes ?? []).reduce<Record<string, { label: string; options: { value: string; label: string }[] }>>((groups, r) => {
                              (groups[r.platform] ??= { label: r.platform_name, options: [] }).options.push({ value: r.id, label: `${r.platform_name} · ${r.name}` });
                              return groups;
                            }, {}),
                          )}
                        />
                      </Form.Item>
                      {route?.params.map((p) => (
                        <Form.Item key={`${route.id}.${p.name}`} name={['params', p.name]} label={p.label} extra={p.help} rules={p.optional ? [] : [{ required: true, whitespace: true, message: t('web.form.required', { field: p.label }) }]}>
                          <Input />
                        </Form.Item>
                      ))}
                      {route && route.needs.length > 0 && <Alert type="warning" showIcon message={t('web.wizard.needs', { needs: route.needs.join('；') })} style={{ marginBottom: 12 }} />}
                    </>
                  ),
                },
              ]}
            />
            <Button type="primary" loading={busy} onClick={() => void detect()} data-testid="wizard-detect">
              {t('web.wizard.detect')}
            </Button>
          </>
        )}
        {found && (
          <>
            <Space wrap style={{ marginBottom: 8 }}>
              <Typography.Text strong>{t('web.wizard.detected')}</Typography.Text>
              <Tag color="blue" data-testid="wizard-detected">{tk('web.wizard.detected', found.detected)}</Tag>
              {found.preview.charset && <Tag>{t('web.wizard.charset', { charset: found.preview.charset.toUpperCase() })}</Tag>}
              <ExternalLink url={found.url}>{found.url}</ExternalLink>
            </Space>
            {found.preview.warnings.map((w, i) => (
              <Alert key={i} type="warning" message={<SafeText text={w} />} style={{ marginBottom: 6 }} />
            ))}
            <Typography.Paragraph type="secondary">{found.preview.items.length ? t('web.wizard.items', { n: found.preview.items.length }) : t('web.wizard.noItems')}</Typography.Paragraph>
            <List
              size="small"
              bordered
              style={{ maxHeight: 260, overflow: 'auto', marginBottom: 12 }}
              dataSource={found.preview.items.slice(0, 8)}
              data-testid="wizard-preview"
              renderItem={(i) => (
                <List.Item>
                  <div>
                    <ExternalLink url={i.url}><SafeText text={i.title} /></ExternalLink>
                    <div style={{ fontSize: 12, color: '#888' }}>{[i.author, i.published_at ? fmtTime(i.published_at) : null].filter(Boolean).join(' · ')}</div>
                  </div>
                </List.Item>
              )}
            />
            <Form.Item name="name" label={t('web.wizard.name')} rules={[{ required: true, whitespace: true, message: t('web.form.required', { field: t('web.wizard.name') }) }, { max: 100, message: t('web.form.tooLong', { field: t('web.wizard.name'), max: 100 }) }]}>
              <Input data-testid="wizard-name" />
            </Form.Item>
            <Space>
              <Button onClick={() => setFound(null)}>{t('web.wizard.back')}</Button>
              <Button
                onClick={() => {
                  const r = { name: String(form.getFieldValue('name') ?? ''), kind: found.kind, url: found.url, config: found.config };
                  close();
                  onAdjust(r);
                }}
              >
                {t('web.wizard.adjust')}
              </Button>
              <Button type="primary" loading={busy} onClick={() => void save()} data-testid="wizard-save">
                {t('web.wizard.save')}
              </Button>
            </Space>
          </>
        )}
      </Form>
    </Modal>
  );
}
