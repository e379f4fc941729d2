import { t } from '../../i18n/index.ts';
import type { TokenInfo } from '../text/token-info.ts';

/**
 * Abuse / attack cues (恶意攻击、辱骂、造谣): insults, threats and doxxing, smears of officials,
 * and the spread formulas of rumours ("转疯了", "删前速看"). A flag carries its reasons; people
 * decide what to do with it. Cues are matched on tokens, and multi-character cues are also
 * added to the segmenter's dictionary so they come out as one token.
 */
const INSULTS = `傻逼 傻b 煞笔 沙比 sb 脑残 智障 弱智 白痴 蠢货 蠢猪 猪脑子 狗官 狗东西 狗日 狗娘养 狗杂种 狗腿子 走狗 贱人 贱货 婊子 王八蛋
  王八 混蛋 畜生 畜牲 禽兽 人渣 败类 杂种 废物 垃圾东西 去死 死全家 全家死 草泥马 操你 操你妈 你妈 尼玛 他妈的 tmd nmsl cnm 滚蛋 滚犊子
  狗屁 放屁 屁话 犯贱 不要脸 臭不要脸 贪官污吏 狗官们 吸血鬼 蛀虫 寄生虫`;
// Threats against people. Saying that people will act together (拉横幅, 集体上访, 堵路) or will not let a matter
// rest (不会放过, 走着瞧) is protest, a risk reason (risk/score.ts, 群体性事件苗头), not abuse (issue 17).
const THREATS = `打死 弄死 砍死 捅死 杀了 杀光 宰了 炸了 炸掉 烧了 报复社会 同归于尽 血债血偿 人肉 人肉搜索 开盒 曝光他全家 曝光你全家 弄你 搞死
  杀了你 砍了你 弄死你 打断腿 放火烧`;
const RUMOUR = `转疯了 速转 速看 删前速看 删前快看 马上删 马上就删 快转 紧急扩散 急扩 扩散周知 不转不是 内部消息 内部人士透露 小道消息 千真万确
  确切消息 绝对真实 已经证实 官方隐瞒 封锁消息 看完就删 赶紧转 转给家人 转发救人`;
// Smears call a body or a person names; an allegation (官商勾结, 草菅人命) is a complaint to be answered, and
// counts as a sensitive term or a matter instead.
const SMEAR = `骗子政府 黑心政府 无良政府 垃圾政府 流氓政府 土匪政府 强盗政府 黑社会政府 官匪一家 土匪 强盗 黑社会`;

type Kind = 'insult' | 'threat' | 'rumour' | 'smear';
export const CUE_KINDS: readonly Kind[] = ['insult', 'threat', 'rumour', 'smear'];
const CUES = new Map<string, Kind>();
for (const [kind, words] of [['insult', INSULTS], ['threat', THREATS], ['rumour', RUMOUR], ['smear', SMEAR]] as [Kind, string][]) {
  for (const w of words.split(/\s+/)) if (w) CUES.set(w.toLowerCase(), kind);
}
const LABEL: Record<Kind, string> = {
  insult: t('language.abuse.insult'),
  threat: t('language.abuse.threat'),
  rumour: t('language.abuse.rumour'),
  smear: t('language.abuse.smear'),
};

export interface AbuseResult {
  flagged: boolean;
  reasons: string[];
}

/** Multi-character cues for the segmenter's dictionary. */
export function abusePhrases(): string[] {
  return [...CUES.keys()].filter((w) => w.length >= 2 && !/^[a-z]+$/.test(w));
}

export function abuseCues(): ReadonlyMap<string, Kind> {
  return CUES;
}

/** `infos` come from lookupTokens (one lookup per token, shared with the other analyses). */
export function detectAbuse(tokens: readonly string[], infos: readonly (TokenInfo | undefined)[]): AbuseResult {
  let reasons: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const info = infos[i];
    let kind: Kind | undefined;
    if (info) {
      if (info.abuse === 0) continue;
      kind = CUE_KINDS[info.abuse - 1];
    } else {
      const tok = tokens[i];
      // ASCII cues ("SB", "TMD") are case-insensitive.
      if (tok.charCodeAt(0) >= 0x80 || tok.length > 4) continue;
      kind = CUES.get(tok.toLowerCase());
      if (kind === undefined) continue;
    }
    reasons ??= [];
    const r = `${LABEL[kind]}：${tokens[i]}`;
    if (!reasons.includes(r) && reasons.length < 5) reasons.push(r);
  }
  return reasons ? { flagged: true, reasons } : { flagged: false, reasons: [] };
}
