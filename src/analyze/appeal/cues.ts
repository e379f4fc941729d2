import type { AppealLabel } from '../vocabulary.ts';

/**
 * The words by which a message to a public body says what it wants, as a 12345 centre files it
 * (投诉/举报/反映问题 complaint, 求助 help, 咨询 inquiry, 建议 suggestion, 表扬/感谢 praise). Written
 * for Minsheng from general knowledge of such messages (not from any evaluation set). Weights are
 * rough strengths: 3 names the act itself (投诉, 求助, 请问, 建议, 表扬), 1–2 is typical of it, below
 * 1 leans towards it. A title's words count twice: a title says what the message is.
 *
 * `address` words (书记, 市长, 有关部门) say only that the text is a message to a public body.
 */
export type AppealCueKind = AppealLabel | 'address';

function group(kind: AppealCueKind, groups: [number, string][]): [string, AppealCueKind, number][] {
  const out: [string, AppealCueKind, number][] = [];
  for (const [w, words] of groups) for (const word of words.split(/\s+/)) if (word) out.push([word, kind, w]);
  return out;
}

const CUES: [string, AppealCueKind, number][] = [
  ...group('complaint', [
    [3, `投诉 举报 实名举报 检举 控告 状告 揭发 揭露 曝光 申诉 讨说法 讨个说法 要个说法 给个说法 彻查 严查 严惩 查处 取缔 管管 管一管 管一下 谁来管
      没人管 无人管 不作为 乱作为 乱收费 乱罚款 扰民`],
    [2, `反映 反应 惩处 追责 问责 制止 整治 整顿 来管 违规 违法 非法 违建 违章 私自 擅自 强行 强拆 噪音 污染 拖欠 欠薪 克扣 推诿 扯皮 踢皮球 霸占
      侵占 占用 垄断 欺骗 诈骗 坑骗 猫腻 黑幕 腐败 贪污 以权谋私 不公 不公平 不合理 超载 乱象 敷衍 刁难 勒索 殴打 打人 威胁 恐吓 欺压 偷排 直排
      臭气 恶臭 异味 烂尾 逍遥法外 包庇 纵容 保护伞 串标 围标 舞弊 弄虚作假 虚报 冒领 套取 私吞 挪用 截留 偷工减料 扣押 强迫 强制 无证 套牌 黑车
      违约 骗局 一拖再拖 久拖不决 石沉大海 置之不理 不闻不问 置若罔闻 坐视不理 多次反映 多次投诉 反复反映 无果 未果 调查 督促 责令 整改 处罚`],
    [1, `影响 严重影响 隐患 安全隐患 拖延 迟迟 至今 仍未 一直没有 一直未 没有解决 未解决 得不到解决 损坏 损害 侵害 受损 受害 不满 气愤 愤怒 失望
      寒心 无奈 质疑 核查 处理 罚款 要求 强烈要求 收费 乱 脏 吵 臭 堵 漏水 停水 停电 破损 坑洼 积水 垃圾 开发商 物业 村干部 村支书 城管 交警
      派出所 商家 不到位`],
  ]),
  ...group('help', [
    [3, `求助 求救 救助 救济 帮帮 帮帮我 帮帮我们 救救 请求帮助 恳请帮助 求帮忙 求求 走投无路 燃眉之急 救助信 求助信`],
    [2, `帮忙 帮我 帮我们 救命 生活困难 家庭困难 贫困家庭 重病 患病 癌症 尿毒症 瘫痪 孤寡 孤儿 五保户 无家可归 医药费 医疗费 治疗费 被盗 寻人 无助
      无依无靠 如何是好 维持生计 养家糊口 没钱`],
    [1, `帮助 困难 贫困 低保 残疾 残疾人 住院 丢失 寻找 怎么办 该怎么办 补助 困境 生计 失业 下岗 生活 看病 照顾 残联 民政`],
  ]),
  ...group('inquiry', [
    [3, `咨询 想问 想咨询 询问 问一下 问下 问问 请教 了解一下 想了解 请解答 解答 答疑 释疑 问询`],
    [2, `请问 需要什么 什么条件 哪些条件 需要哪些 哪些材料 什么材料 流程 办理流程 怎么办理 如何办理 在哪里办 去哪里 哪里办 可不可以 可以吗 能否享受
      是否可以 是否需要 是否符合 是否属于 查询 告知 疑问 疑惑`],
    [1, `是否 能否 可否 能不能 如何 怎样 哪里 哪些 哪个 什么时候 何时 多少 多久 几时 手续 程序 材料 资料 办理 申请 政策 规定 标准 条件 资格 符合
      报名 报考 缴费 缴纳 补交 领取 享受 落户 户口 证明 入学 学区`],
  ]),
  ...group('suggestion', [
    [3, `建议 提议 倡议 谏言 献策 建言 建言献策 呼吁 提几点 几点建议 几点意见 提个建议 合理化建议 意见和建议 提意见`],
    [2, `增设 开通 设立 兴建 修建 推广 打造 引进 拓宽 能否考虑 可否考虑 可以考虑 不妨 是否可以考虑 建议增设 意见`],
    [1, `设置 新建 增加 完善 优化 加快 调整 改进 改善 提升 提高 规范 加强 加大 考虑 应该 应当 希望能够 希望能 希望政府 希望有关部门 期待 期盼 盼望
      发展 建设 规划 早日 方便 便民 利民 惠民 长远 未来 促进 推动 带动 绿化 路灯 红绿灯 公交 线路 站点 停车位`],
  ]),
  ...group('praise', [
    [3, `表扬 感谢信 锦旗 赞扬 称赞 点赞 为他们点赞 致敬 好人好事 好干部 好警察 好医生 好老师 表彰 嘉奖`],
    [2, `感谢 非常感谢 衷心感谢 万分感谢 特别感谢 感激 感恩 辛苦了 及时解决 迅速解决 已经解决 得到解决 解决了 热心 热情 耐心 负责任 尽职尽责 认真负责
      雷厉风行 高效 满意 非常满意 为民办实事 办实事 暖心 贴心 温暖 佩服 敬佩 赞`],
  ]),
  ...group('address', [
    [1, `书记 市长 县长 区长 省长 镇长 乡长 局长 厅长 主任 委员 领导 父母官 政府 市政府 县政府 区政府 有关部门 相关部门 职能部门 主管部门 上级 平台
      市委 县委 区委 省委 尊敬 您好 此致 敬礼 留言`],
  ]),
];

/** One cue: what it speaks for and how strongly. */
export interface AppealCue {
  word: string;
  kind: AppealCueKind;
  weight: number;
}

/** What each cue word speaks for (a word may speak for two kinds: 规划 for inquiry and suggestion); each kind once, at its greatest weight. */
export const APPEAL_CUES: ReadonlyMap<string, readonly AppealCue[]> = (() => {
  const byWord = new Map<string, AppealCue[]>();
  for (const [word, kind, weight] of CUES) {
    const list = byWord.get(word) ?? [];
    const same = list.find((c) => c.kind === kind);
    if (same) same.weight = Math.max(same.weight, weight);
    else list.push({ word, kind, weight });
    byWord.set(word, list);
  }
  return byWord;
})();

/** Multi-character cues for the segmenter's dictionary (so that 管一管, 问一下 come out whole). */
export function appealPhrases(): string[] {
  return [...APPEAL_CUES.keys()].filter((w) => w.length >= 3);
}
