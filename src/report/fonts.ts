import { existsSync } from 'node:fs';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';

/**
 * The CJK font used for PDF text and chart images. Debian's fonts-noto-cjk is the default
 * (installed in CI); MINSHENG_CJK_FONT names another TTF/OTF/TTC file. Without one, Chinese
 * text would render as empty boxes, so building a PDF or a chart fails with a clear error.
 */
export interface CjkFont {
  path: string;
  /** For collections (.ttc): the PostScript name of the face to use. */
  postscriptName?: string;
  /** The family name charts ask for. */
  family: string;
}

const CANDIDATES: CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular', family: 'Noto Sans CJK SC' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular', family: 'Noto Sans CJK SC' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular', family: 'Noto Sans CJK SC' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei', family: 'WenQuanYi Micro Hei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei', family: 'WenQuanYi Zen Hei' },
];

export class FontMissingError extends AppError {
  constructor(tried: string[]) {
    super(
      `no CJK font found (tried ${tried.join(', ')}); install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set MINSHENG_CJK_FONT to a TTF/OTF/TTC file`,
      500,
      'font_missing',
      t('report.error.fontMissing'),
    );
  }
}

let cached: CjkFont | null = null;

export function findCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont {
  const custom = env.MINSHENG_CJK_FONT;
  if (custom) {
    if (!existsSync(custom)) throw new FontMissingError([custom]);
    return { path: custom, postscriptName: env.MINSHENG_CJK_FONT_NAME || undefined, family: env.MINSHENG_CJK_FONT_FAMILY || 'sans-serif' };
  }
  if (cached) return cached;
  const found = CANDIDATES.find((c) => existsSync(c.path));
  if (!found) throw new FontMissingError(CANDIDATES.map((c) => c.path));
  cached = found;
  return found;
}
