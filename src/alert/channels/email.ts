import nodemailer from 'nodemailer';
import { z } from 'zod';
import { OutboundRefusedError } from '../../outbound/refusal.ts';
import { resolveOutboundHost, type CheckedAddress } from '../../outbound/resolve.ts';
import { snippetOf, type ChannelMessage, type ChannelProvider, type FailureKind, type SendResult } from './base.ts';
import { blockedResult } from './http.ts';

/**
 * E-mail through SMTP (nodemailer). `tls: "implicit"` connects with TLS (port 465);
 * `"starttls"` requires the STARTTLS upgrade (port 587); `"none"` sends in clear (intranet relays).
 * The password comes from the config (e.g. "${SMTP_PASSWORD}") or from SMTP_PASSWORD.
 * The host is resolved and checked against the outbound-address policy first; nodemailer then
 * connects to that checked address, with the host name kept for TLS (SNI, certificate check).
 */
const config = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    tls: z.enum(['implicit', 'starttls', 'none']).default('starttls'),
    user: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
    to: z.array(z.string().email()).default([]),
    /** Also (or only) write to each recipient's own address: the people the alert is for (alert/recipients.ts), who chose e-mail. */
    to_recipients: z.boolean().default(false),
    /** Accept self-signed certificates (intranet mail servers). */
    allowSelfSigned: z.boolean().default(false),
  })
  .strict()
  .refine((c) => c.to.length > 0 || c.to_recipients, { message: 'give addresses in "to", or set "to_recipients"', path: ['to'] });
type EmailConfig = z.infer<typeof config>;

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function emailContent(m: ChannelMessage) {
  const subject = `【${m.levelLabel}】${m.title}`;
  const textLines = [m.title, '', m.body];
  for (const i of m.items ?? []) textLines.push(`- 【${i.levelLabel}】${i.title}${i.url ? ` ${i.url}` : ''}`);
  if (m.links.length) textLines.push('', ...m.links.map((l) => `${l.label}: ${l.url}`));
  const html = [
    `<h3>${esc(subject)}</h3>`,
    ...m.body.split('\n').map((l) => `<p>${esc(l)}</p>`),
    m.items?.length ? `<ul>${m.items.map((i) => `<li>【${esc(i.levelLabel)}】${i.url ? `<a href="${esc(i.url)}">${esc(i.title)}</a>` : esc(i.title)}</li>`).join('')}</ul>` : '',
    m.links.length ? `<p>${m.links.map((l) => `<a href="${esc(l.url)}">${esc(l.label)}</a>`).join(' | ')}</p>` : '',
  ].join('\n');
  return { subject, text: textLines.join('\n'), html };
}

function classify(err: { code?: string; responseCode?: number }): FailureKind {
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH') return 'auth';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET' || err.code === 'EDNS' || err.code === 'ETLS') return 'network';
  if (err.responseCode === 421 || err.responseCode === 450 || err.responseCode === 451 || err.responseCode === 452) return 'rate_limit';
  if (err.responseCode && err.responseCode >= 400 && err.responseCode < 500) return 'server';
  if (err.responseCode === 535 || err.responseCode === 530) return 'auth';
  if (err.code === 'EENVELOPE' || (err.responseCode && err.responseCode >= 500)) return 'rejected';
  return 'network';
}

export const emailChannel: ChannelProvider<EmailConfig> = {
  kind: 'email',
  config,
  secretFields: ['password'],
  async send(cfg, message, ctx): Promise<SendResult> {
    const password = cfg.password ?? ctx.env.SMTP_PASSWORD;
    let target: CheckedAddress;
    try {
      target = await resolveOutboundHost(ctx.outbound, cfg.host);
    } catch (err) {
      const refusal = OutboundRefusedError.from(err);
      if (refusal) return blockedResult(refusal);
      const e = err as Error & { code?: string };
      return { ok: false, status: null, snippet: '', failure: 'network', error: `${e.code ?? 'EDNS'}: cannot resolve ${cfg.host}: ${e.message}` };
    }
    const transport = nodemailer.createTransport({
      host: target.address,
      servername: target.servername,
      port: cfg.port,
      secure: cfg.tls === 'implicit',
      requireTLS: cfg.tls === 'starttls',
      ignoreTLS: cfg.tls === 'none',
      auth: cfg.user ? { user: cfg.user, pass: password ?? '' } : undefined,
      tls: { rejectUnauthorized: !cfg.allowSelfSigned },
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    });
    try {
      const content = emailContent(message);
      const attachments = message.attachment
        ? [{ filename: message.attachment.filename, contentType: message.attachment.mime, content: await message.attachment.load() }]
        : undefined;
      // Each person's own address as a blind copy: nobody sees who else was written to.
      const personal = cfg.to_recipients ? [...new Set((message.recipients ?? []).map((r) => r.email).filter((e): e is string => !!e))] : [];
      // A person's own digest (alert/digests.ts) goes to that person alone, never to the channel's group addresses.
      const group = message.kind === 'digest' && message.recipients !== undefined ? [] : cfg.to;
      if (group.length === 0 && personal.length === 0) return { ok: true, status: null, snippet: 'no recipient with an e-mail address: nothing to send' };
      const info = await transport.sendMail({
        from: cfg.from,
        to: group.length ? group : undefined,
        bcc: personal.length ? personal : undefined,
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments,
        headers: { 'X-Minsheng-Idempotency-Key': encodeURIComponent(message.idempotencyKey) },
      });
      const code = Number(/^(\d{3})/.exec(info.response ?? '')?.[1] ?? 250);
      if (info.rejected.length > 0) {
        return { ok: false, status: code, serviceCode: code, snippet: snippetOf(info.response ?? ''), failure: 'rejected', error: `rejected recipients: ${info.rejected.join(', ')}` };
      }
      return { ok: true, status: code, serviceCode: code, snippet: snippetOf(info.response ?? '') };
    } catch (err) {
      const e = err as Error & { code?: string; responseCode?: number; response?: string };
      const failure = classify(e);
      return {
        ok: false,
        status: e.responseCode ?? null,
        serviceCode: e.responseCode ?? e.code ?? null,
        snippet: snippetOf(e.response ?? ''),
        failure,
        error: `${e.code ?? 'SMTP'}: ${e.message}`,
        retryAfterMs: failure === 'rate_limit' ? 5 * 60_000 : undefined,
      };
    } finally {
      transport.close();
    }
  },
};
