import { t } from '../../i18n/index.ts';
import { compileMessage } from '../../i18n/compiled.ts';
import { F_END, F_NEGATION, type TokenInfo } from '../text/token-info.ts';
import type { AppealResult } from '../appeal/classify.ts';
import type { LexiconScore } from '../sentiment/score.ts';
import type { EmotionLabel } from '../vocabulary.ts';
import { EMOTIONS } from './lexicon.ts';

/**
 * 情绪 out of the box: the emotion words of a text (emotion/lexicon.ts), a negation before a word
 * setting it aside ("不开心" reads as sad), degree words scaling it; the strongest emotion wins. A text
 * without emotion words is neutral, except a message: a complaint that names nothing it feels
 * is angry at what it complains of, a request for help in hardship is sad, praise is happy.
 */
export interface EmotionResult {
  label: EmotionLabel;
  /** The winner's share of the emotion evidence, 0–1 (0: no emotion word; the label follows from the message). */
  score: number;
  reasons: string[];
  /** Evidence per emotion (angry, sad, fear, happy, surprise), for the learned model's features. */
  evidence: Float32Array;
}

export const EMOTION_TEXT: Record<EmotionLabel, string> = {
  angry: t('signal.emotion.angry'),
  sad: t('signal.emotion.sad'),
  fear: t('signal.emotion.fear'),
  happy: t('signal.emotion.happy'),
  surprise: t('signal.emotion.surprise'),
  neutral: t('signal.emotion.neutral'),
};

const EMOJI_EMOTION = new Map<string, (typeof EMOTIONS)[number]>([
  ...[...'😡😠🤬👿💢🖕'].map((e) => [e, 'angry'] as const),
  ...[...'😭😢😞😔😿💔🥀🕯😥😓😪'].map((e) => [e, 'sad'] as const),
  ...[...'😱😨😰😧😦🙀'].map((e) => [e, 'fear'] as const),
  ...[...'😀😁😃😄😊😍🥰😘🤗🥳👍👏🎉🎊❤💕💖💗🌹💐✌👌💪🙌😋🤩'].map((e) => [e, 'happy'] as const),
  ...[...'😮😲😯🤯😳❗❓'].map((e) => [e, 'surprise'] as const),
]);

// reasons are filled for every post: the templates are compiled once
const WORDS_MSG = compileMessage('signal.emotion.words');
const FROM_APPEAL_MSG = compileMessage('signal.emotion.fromAppeal');
const R = {
  words: (label: EmotionLabel, words: string[]) => WORDS_MSG({ label: EMOTION_TEXT[label], words: words.join('、') }),
  fromAppeal: (label: EmotionLabel, appeal: string) => FROM_APPEAL_MSG({ label: EMOTION_TEXT[label], appeal }),
  none: t('signal.emotion.none'),
};

const evidence = new Float32Array(5);

/** `evidence` of the result is a shared buffer, valid until the next call (the caller reads it at once). */
export function scoreEmotion(tokens: readonly string[], infos: readonly (TokenInfo | undefined)[], lex: LexiconScore, appeal: AppealResult | null, message: boolean, appealText: (l: AppealResult['label']) => string): EmotionResult {
  evidence.fill(0);
  const found: string[][] = [[], [], [], [], []];
  let negatedAt = -10;
  let degree = 1;
  let degreeAt = -10;
  for (let i = 0; i < tokens.length; i++) {
    const info = infos[i];
    const tok = tokens[i];
    if (info === undefined) {
      const c = tok.charCodeAt(0);
      if ((c >= 0xd83c && c <= 0xd83e) || (c >= 0x2190 && c <= 0x2bff)) {
        for (const ch of tok) {
          const e = EMOJI_EMOTION.get(ch);
          if (e !== undefined) {
            const k = EMOTIONS.indexOf(e);
            evidence[k] += 1;
            if (found[k].length < 4 && !found[k].includes(ch)) found[k].push(ch);
          }
        }
      }
      continue;
    }
    if (info.flags & F_END) {
      negatedAt = -10;
      degree = 1;
      continue;
    }
    if (info.flags & F_NEGATION && info.polarity === 0) {
      negatedAt = i;
      continue;
    }
    if (info.degree !== 0 && info.emotion === undefined) {
      degree = info.degree;
      degreeAt = i;
      continue;
    }
    const cues = info.emotion;
    if (cues === undefined) continue;
    const scale = i - degreeAt <= 2 ? degree : 1;
    const negated = i - negatedAt <= 2;
    for (const c of cues) {
      let k = EMOTIONS.indexOf(c.emotion);
      if (negated) {
        // "不开心", "不高兴": sad; a negated anger or fear ("不怕", "不生气") says little
        if (c.emotion !== 'happy') continue;
        k = EMOTIONS.indexOf('sad');
      }
      evidence[k] += c.weight * scale * (negated ? 0.5 : 1);
      if (found[k].length < 4 && !found[k].includes(tok)) found[k].push(tok);
    }
  }
  // In a message, polite thanks and wishes say nothing about how the writer feels (sentiment/score.ts).
  if (message && appeal && appeal.label !== 'praise') evidence[EMOTIONS.indexOf('happy')] *= 0.25;
  let best = -1;
  let total = 0;
  for (let k = 0; k < 5; k++) {
    total += evidence[k];
    if (evidence[k] > 0 && (best < 0 || evidence[k] > evidence[best])) best = k;
  }
  if (best >= 0 && evidence[best] >= 1) {
    const label = EMOTIONS[best];
    return { label, score: Math.round((evidence[best] / total) * 1000) / 1000, reasons: [R.words(label, found[best])], evidence };
  }
  if (message && appeal && appeal.score > 0) {
    const label: EmotionLabel | null =
      appeal.label === 'complaint' && lex.label === 'negative' ? 'angry' : appeal.label === 'help' && lex.label === 'negative' ? 'sad' : appeal.label === 'praise' ? 'happy' : null;
    if (label) return { label, score: 0, reasons: [R.fromAppeal(label, appealText(appeal.label))], evidence };
  }
  return { label: 'neutral', score: 0, reasons: [R.none], evidence };
}
