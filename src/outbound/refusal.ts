import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { AddressClass } from './addresses.ts';

/**
 * An outbound connection the policy refused, before any byte was sent. `message` is English
 * (logs, CLI, a channel's attempt log); `userMessage` is the zh-CN text people see.
 */
export class OutboundRefusedError extends AppError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: Exclude<AddressClass, 'public'>,
  ) {
    const what = addressClass === 'metadata' ? 'a link-local or cloud-metadata address' : 'a private or loopback address';
    const how =
      addressClass === 'metadata'
        ? 'only an explicit entry in MINSHENG_ALLOW_PRIVATE_HOSTS allows it'
        : 'the administrator may allow it with MINSHENG_ALLOW_PRIVATE_NETWORKS=1 or MINSHENG_ALLOW_PRIVATE_HOSTS';
    const shown = host === address ? host : `${host} (${address})`;
    const shownZh = host === address ? host : `${host}（${address}）`;
    super(
      `refused to connect to ${shown}: ${what}; ${how}`,
      400,
      'outbound_refused',
      t(addressClass === 'metadata' ? 'outbound.refused.metadata' : 'outbound.refused.private', { host: shownZh }),
    );
  }

  /** The refusal behind an error thrown by net, undici or fetch (which wrap it as `cause`), if any. */
  static from(err: unknown): OutboundRefusedError | null {
    for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
      if (e instanceof OutboundRefusedError) return e;
    }
    return null;
  }
}
