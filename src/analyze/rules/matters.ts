import { CueScanner } from './cues.ts';

/**
 * The six kinds of matter that 国办发〔2016〕80号 says need a response, each with the words
 * that usually signal it in a post and the risk points it adds. Written for this project from
 * general knowledge of Chinese government public-opinion work; extend freely.
 */
export type MatterKind = 'policy' | 'interests' | 'morals' | 'emergency' | 'hotspot' | 'superior';

export interface MatterCues {
  kind: MatterKind;
  points: number;
  cues: string[];
}

export const MATTERS: readonly MatterCues[] = [
  {
    kind: 'emergency',
    points: 20,
    cues: [
      '火灾', '起火', '着火', '爆炸', '坍塌', '倒塌', '塌方', '塌陷', '地震', '洪水', '洪涝', '内涝', '泥石流', '山体滑坡', '台风',
      '暴雨', '事故', '伤亡', '死亡', '遇难', '身亡', '中毒', '泄漏', '疫情', '溺水', '溺亡', '被困', '踩踏', '触电', '脚手架倒',
    ],
  },
  {
    kind: 'morals',
    points: 14,
    cues: ['虐待', '虐童', '猥亵', '性侵', '霸凌', '欺凌', '地沟油', '毒奶粉', '假疫苗', '遗弃', '见死不救', '黑心', '丧尽天良', '草菅人命', '殴打老人', '打骂学生'],
  },
  {
    kind: 'superior',
    points: 12,
    cues: ['领导留言板', '人民网留言', '市长信箱', '省长信箱', '书记信箱', '督办', '交办', '转办件', '上级要求', '上级转来', '批示', '约谈', '通报批评', '督查'],
  },
  {
    kind: 'interests',
    points: 10,
    cues: [
      '拆迁', '征收', '征地', '补偿款', '安置房', '回迁', '物业费', '涨价', '停水', '停电', '停气', '断水', '学区', '划片', '入学',
      '社保', '医保', '养老金', '欠薪', '讨薪', '拖欠工资', '交房', '延期交付', '逾期交房', '烂尾', '公积金', '房产证', '不动产证', '维修基金', '集资',
    ],
  },
  {
    kind: 'policy',
    points: 10,
    cues: ['新政', '新规', '政策调整', '政策变化', '误读', '曲解', '一刀切', '限购', '限售', '限贷', '取消补贴', '政策解读', '文件规定', '红头文件'],
  },
  {
    kind: 'hotspot',
    points: 8,
    cues: ['热搜', '上热搜', '刷屏', '转疯了', '全网', '网友热议', '引发热议', '媒体曝光', '央视曝光', '曝光', '围观', '舆论'],
  },
];

/**
 * Collective action (群体性事件苗头): people saying they will act together in public. A risk reason
 * that raises the level — the office must get ahead of it — and never abuse: protest is not an
 * attack on anyone (issue 17).
 */
export const COLLECTIVE_CUES: readonly string[] = [
  '拉横幅', '打横幅', '挂横幅', '拉条幅', '举横幅', '举牌', '集体上访', '群体上访', '联名上访', '组团上访', '集体维权', '群体维权', '堵路', '堵门', '堵大门', '围堵',
  '静坐', '游行', '罢工', '罢课', '罢市', '聚集', '群体性', '集体到', '一起去市政府', '一起去政府', '去政府门口', '到政府门口', '集体去',
];

export function findCollective(text: string): string[] {
  return [...collectiveScanner.scan(text)];
}

/** Words that suggest a rumour is spreading (造谣 cues); rumours endangering order go to the police / 网信. */
export const RUMOUR_CUES: readonly string[] = ['网传', '据传', '传言', '谣言', '造谣', '疯传', '内部消息', '小道消息', '不实信息', '据说', '听说', '爆料'];

export interface MatterFinding {
  kind: MatterKind;
  points: number;
  terms: string[];
}

const matterScanner = new CueScanner(MATTERS.flatMap((m, order) => m.cues.map((cue) => ({ needle: cue, tag: { order, cue } }))));
const rumourScanner = new CueScanner(RUMOUR_CUES.map((cue) => ({ needle: cue, tag: cue })));
const collectiveScanner = new CueScanner(COLLECTIVE_CUES.map((cue) => ({ needle: cue, tag: cue })));

/** Which of the six kinds the text shows, each with the cue words found (text normalised, ASCII lower-cased). */
export function findMatters(text: string): MatterFinding[] {
  const found = matterScanner.scan(text);
  if (!found.size) return [];
  const byKind: (string[] | undefined)[] = new Array(MATTERS.length);
  for (const tag of found) (byKind[tag.order] ??= []).push(tag.cue);
  const out: MatterFinding[] = [];
  for (let k = 0; k < MATTERS.length; k++) {
    const terms = byKind[k];
    if (terms) out.push({ kind: MATTERS[k].kind, points: MATTERS[k].points, terms });
  }
  return out;
}

export function findRumourCues(text: string): string[] {
  return [...rumourScanner.scan(text)];
}
