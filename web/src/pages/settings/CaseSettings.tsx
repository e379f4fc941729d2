import { Button, Card, Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect } from 'react';
import { LoadError } from '../../App.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { t, tk, type WebMessageKey } from '../../i18n.ts';
import { api } from '../../lib/api.ts';
import { useAction, useLoad } from '../../lib/hooks.ts';
import type { CaseSettings as Settings, CaseSettingsPatch } from '../../lib/types.ts';
import { validValues } from '../../lib/forms.ts';

const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;

/** A number within [min, max] (the server's schema bounds), with the field's name in the message. */
function range(label: WebMessageKey, min: number, max: number): Rule[] {
  const field = t(label);
  return [
    { required: true, message: t('web.common.required', { field }) },
    { type: 'number', min, max, message: t('web.caseSettings.range', { field, min: String(min), max: String(max) }) },
  ];
}

function NumberItem({ name, label, min, max, step, hint, testId }: { name: keyof Settings; label: WebMessageKey; min: number; max: number; step?: number; hint?: WebMessageKey; testId: string }) {
  return (
    <Form.Item name={name} label={t(label)} extra={hint ? t(hint) : undefined} rules={range(label, min, max)}>
      <InputNumber id={`case-settings-${testId}`} data-testid={`case-settings-${testId}`} step={step ?? 1} style={{ width: 160 }} />
    </Form.Item>
  );
}

/**
 * 处置设置 (office and admin): the bureau's name and official account on documents and
 * statements, the briefs' credits, deadlines and reminders, and how a recorded reply is
 * verified on its thread (GET/PUT /api/cases/settings, the `case_settings` workspace section).
 */
export default function CaseSettings() {
  const loaded = useLoad((signal) => api.get<Settings>('/api/cases/settings', undefined, { signal }), []);
  const [form] = Form.useForm<Settings>();
  const { run, busy } = useAction();
  useEffect(() => {
    if (loaded.data) form.setFieldsValue(loaded.data);
  }, [loaded.data, form]);
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const body: CaseSettingsPatch = {
      ...v,
      bureau_name: v.bureau_name.trim(),
      official_account: v.official_account.trim(),
      brief_editor: v.brief_editor.trim(),
      brief_reviewer: v.brief_reviewer.trim(),
      brief_signer: v.brief_signer.trim(),
      stock_phrases: [...new Set(v.stock_phrases.map((p) => p.trim()).filter(Boolean))],
    };
    const next = await run(() => api.put<Settings>('/api/cases/settings', body), t('web.app.saved'));
    if (next) loaded.setData(next);
  };
  const text = (max: number) => <Input maxLength={max} allowClear />;
  return (
    <div className="ms-page" data-testid="case-settings">
      <PageTitle
        title={t('web.caseSettings.title')}
        intro={t('web.caseSettings.intro')}
        extra={
          <Button type="primary" onClick={() => void save()} loading={busy} disabled={!loaded.data} data-testid="case-settings-save">
            {t('web.common.save')}
          </Button>
        }
      />
      {loaded.error && <LoadError error={loaded.error} onRetry={loaded.reload} />}
      <Form form={form} layout="vertical" disabled={!loaded.data} style={{ maxWidth: 760 }}>
        <Card size="small" title={t('web.caseSettings.documents')} style={{ marginBottom: 12 }}>
          <Form.Item name="bureau_name" label={t('web.caseSettings.bureauName')} extra={t('web.caseSettings.bureauNameHint')}>
            <Input id="case-settings-bureau" maxLength={100} allowClear />
          </Form.Item>
          <Form.Item name="official_account" label={t('web.caseSettings.officialAccount')} extra={t('web.caseSettings.officialAccountHint')}>
            <Input id="case-settings-account" maxLength={100} allowClear />
          </Form.Item>
          <Form.Item label={t('web.caseSettings.briefCredits')} extra={t('web.caseSettings.briefCreditsHint')} style={{ marginBottom: 0 }}>
            <Space wrap>
              <Form.Item name="brief_editor" label={t('web.caseSettings.briefEditor')}>
                {text(50)}
              </Form.Item>
              <Form.Item name="brief_reviewer" label={t('web.caseSettings.briefReviewer')}>
                {text(50)}
              </Form.Item>
              <Form.Item name="brief_signer" label={t('web.caseSettings.briefSigner')}>
                {text(50)}
              </Form.Item>
            </Space>
          </Form.Item>
        </Card>
        <Card size="small" title={t('web.caseSettings.verify')} style={{ marginBottom: 12 }}>
          <Typography.Paragraph type="secondary">{t('web.caseSettings.verifyIntro')}</Typography.Paragraph>
          <NumberItem name="verify_before_hours" label="web.caseSettings.verifyBeforeHours" hint="web.caseSettings.verifyBeforeHoursHint" min={0} max={720} testId="before" />
          <NumberItem name="verify_similarity" label="web.caseSettings.verifySimilarity" hint="web.caseSettings.verifySimilarityHint" min={0.1} max={1} step={0.05} testId="similarity" />
          <NumberItem name="verify_within_hours" label="web.caseSettings.verifyWithinHours" hint="web.caseSettings.verifyWithinHoursHint" min={1} max={336} testId="within" />
        </Card>
        <Card size="small" title={t('web.caseSettings.deadlines')} style={{ marginBottom: 12 }}>
          <Form.Item name="auto_open_level" label={t('web.caseSettings.autoOpenLevel')} extra={t('web.caseSettings.autoOpenLevelHint')}>
            <Select style={{ width: 160 }} options={[...LEVELS.map((l) => ({ value: l, label: tk('web.level', l) })), { value: 'off', label: t('web.caseSettings.autoOpenOff') }]} />
          </Form.Item>
          <Form.Item name="same_day" label={t('web.caseSettings.sameDay')} extra={t('web.caseSettings.sameDayHint')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <NumberItem name="general_hours" label="web.caseSettings.generalHours" min={1} max={720} testId="general" />
          <Form.Item name="general_hours_levels" label={t('web.caseSettings.generalHoursLevels')} extra={t('web.caseSettings.generalHoursLevelsHint')}>
            <Select mode="multiple" style={{ width: '100%' }} options={LEVELS.map((l) => ({ value: l, label: tk('web.level', l) }))} />
          </Form.Item>
          <NumberItem name="emergency_info_hours" label="web.caseSettings.emergencyInfoHours" min={1} max={72} testId="info" />
          <NumberItem name="emergency_press_hours" label="web.caseSettings.emergencyPressHours" min={1} max={168} testId="press" />
          <NumberItem name="instruction_working_days" label="web.caseSettings.instructionDays" min={1} max={30} testId="instruction" />
          <NumberItem name="reminder_minutes" label="web.caseSettings.reminderMinutes" min={0} max={7 * 24 * 60} testId="reminder" />
          <NumberItem name="emergency_reminder_minutes" label="web.caseSettings.emergencyReminderMinutes" min={0} max={24 * 60} testId="emergency-reminder" />
          <NumberItem name="commitment_reminder_days" label="web.caseSettings.commitmentReminderDays" min={0} max={60} testId="commitment-reminder" />
        </Card>
        <Card size="small" title={t('web.caseSettings.stockPhrases')}>
          <Form.Item
            name="stock_phrases"
            extra={t('web.caseSettings.stockPhrasesHint')}
            rules={[{ validator: (_, v: string[] | undefined) => ((v ?? []).every((p) => p.trim().length >= 2 && p.trim().length <= 50) ? Promise.resolve() : Promise.reject(new Error(t('web.caseSettings.phraseLength')))) }]}
          >
            <Select mode="tags" style={{ width: '100%' }} open={false} tokenSeparators={['\n', '，', ',']} />
          </Form.Item>
        </Card>
      </Form>
    </div>
  );
}
