import type { EmotionLabel } from '../vocabulary.ts';

/**
 * The six emotions of SMP2020-EWECT (angry, sad, fear, happy, surprise; neutral when none), as
 * public-opinion platforms show them (情绪分布): words that express each, with rough strengths
 * (1 ordinary, 2 strong). Written for Minsheng from general knowledge of Chinese (not derived from
 * any evaluation data). A word may express two emotions (惊喜: happy and surprise).
 */
type Emotion = Exclude<EmotionLabel, 'neutral'>;

function words(groups: [number, string][]): [string, number][] {
  const out: [string, number][] = [];
  for (const [w, list] of groups) for (const word of list.split(/\s+/)) if (word) out.push([word, w]);
  return out;
}

export const EMOTION_WORDS: Record<Emotion, [string, number][]> = {
  angry: words([
    [1, `生气 气愤 恼火 恼怒 火大 发火 怒 怒火 可恶 气人 讨厌 厌恶 反感 恶心 无耻 可耻 垃圾 混蛋 王八蛋 畜生 人渣 败类 滚 滚蛋 去死 该死 活该 不要脸
      愤慨 痛恨 恨 骂 辱骂 谩骂 卧槽 我靠 妈的 他妈的 尼玛 tmd 傻逼 脑残 智障 弱智 白痴 蠢 愚蠢 过分 离谱 荒唐 荒谬 扯淡 胡扯 胡说八道 缺德 没素质
      欺负人 凭什么 无语 呵呵 服了 我服了 醉了 不作为 推诿 踢皮球 敷衍 官僚 腐败 贪污 黑心 坑人 骗子 黑幕 强拆 霸道 嚣张 猖狂 蛮横 无良 冷血 甩锅
      糊弄 忽悠 欺骗 诈骗 乱收费 欺压 恶劣 恶霸 村霸 流氓 无赖 不服 气死 气炸 鄙视 不满 吐槽 抗议 谴责 声讨 怒斥 痛斥 控诉 投诉 举报 岂有此理 神经病
      有病 要脸 丢人 丢脸 吃人血馒头 人血馒头 暴躁 炸毛 来气 窝火 鬼火 闹心 糟心 膈应 添堵 烦人 可笑 扯皮 刁难 欺人太甚 置之不理 不闻不问 没人管`],
    [2, `愤怒 气死了 气死我了 忍无可忍 怒不可遏 义愤填膺 愤愤不平 令人发指 丧心病狂 丧尽天良 天理难容 欺人太甚 太过分 太离谱 草菅人命 无法无天 混账`],
  ]),
  sad: words([
    [1, `难过 伤心 悲伤 悲痛 悲哀 痛心 心痛 心疼 心酸 心寒 寒心 哭 大哭 哭泣 痛哭 流泪 泪 泪目 泪崩 眼泪 哽咽 难受 痛苦 煎熬 心碎 凄凉 孤独 孤单 寂寞
      委屈 失望 绝望 遗憾 惋惜 可惜 可怜 沮丧 郁闷 无奈 无助 唉 哎 叹气 唉声叹气 呜呜 呜呜呜 一路走好 安息 节哀 默哀 哀悼 缅怀 噩耗 去世 离世 逝世 病逝
      牺牲 不幸 舍不得 不舍 想哭 好想哭 扎心 emo 抑郁 失落 落寞 惆怅 心累 心好累 苦 辛酸 可悲 悲催 悲剧 惨 凉了 完了 哭了 泪奔 苦不堪言 走投无路 欲哭无泪
      生无可恋 伤感 感伤 哀伤 忧伤 忧郁 低落 心灰意冷 万念俱灰 憔悴 苦涩 无力 心如刀割 痛不欲生 泣不成声 悲痛欲绝 撕心裂肺 有苦难言 叫苦连天 蜡烛`],
    [2, `太难过 好难过 好伤心 太伤心 心都碎了 哭死 哭成狗`],
  ]),
  fear: words([
    [1, `害怕 恐惧 恐慌 恐怖 惊恐 惊慌 惶恐 慌 心慌 慌了 担心 担忧 忧虑 焦虑 着急 紧张 不安 忐忑 可怕 吓人 吓死 吓坏 后怕 毛骨悚然 不敢 怕 好怕 怕怕
      提心吊胆 心惊胆战 人心惶惶 胆战心惊 不寒而栗 惊悚 瘆人 心有余悸 惶惶不可终日 危险 隐患 安全隐患 感染 传染 确诊 疑似 蔓延 扩散 封城 病毒 疫情
      吓一跳 担惊受怕 发抖 哆嗦 慌张 焦急 忧心 忧心忡忡 生怕 唯恐 恐 怕死 威胁 夺命`],
    [2, `太可怕 好可怕 吓死了 吓死我了 担心死了 怕死了`],
  ]),
  happy: words([
    [1, `开心 高兴 快乐 幸福 欣慰 欣喜 愉快 兴奋 激动 感动 感激 感谢 谢谢 多谢 感恩 哈哈 哈哈哈 嘻嘻 嘿嘿 点赞 赞 棒 真棒 太棒 好棒 很棒 恭喜 祝贺 祝福
      加油 爱 喜欢 热爱 满意 美好 温暖 暖心 贴心 舒服 舒心 惬意 爽 痛快 顺利 成功 胜利 圆满 好消息 喜讯 福音 骄傲 自豪 佩服 敬佩 致敬 了不起 厉害 优秀
      精彩 完美 美丽 漂亮 可爱 有爱 暖 甜 甜蜜 好吃 美味 好玩 有趣 笑 笑死 乐 平安 健康 放心 安心 期待 希望 憧憬 向往 庆祝 团圆 好运 吉祥 如意 么么哒
      比心 爱你 爱了 给力 好评 推荐 值得 欢迎 称赞 表扬 赞扬 为民 办实事 好人 英雄 最美 逆行者 白衣天使 守护 感人 泪目感动 yyds 牛 牛逼 耶`],
    [2, `太好了 好开心 太开心 超开心 非常满意 非常感谢 衷心感谢 万分感谢 喜大普奔 心花怒放 喜出望外 乐开花 兴高采烈 欢天喜地 太感动 暖哭`],
  ]),
  surprise: words([
    [1, `惊讶 吃惊 震惊 惊呆 惊了 居然 竟然 竟 没想到 想不到 天哪 天呐 我的天 什么鬼 不敢相信 难以置信 意外 出乎意料 惊喜 哇 哇塞 啊啊 惊 诧异 愕然
      瞠目结舌 目瞪口呆 大跌眼镜 匪夷所思 不可思议 不可置信 怎么会 怎么可能 真的假的 原来 突然 竟是 竟然是 惊人 惊现 奇怪 好奇 离奇 刷新三观 三观尽毁
      卧槽 我去 我靠 天啊 妈呀 我的妈 震撼 神奇`],
    [2, `万万没想到 太意外 大吃一惊 惊掉下巴 简直不敢相信`],
  ]),
};

export const EMOTIONS: readonly Emotion[] = ['angry', 'sad', 'fear', 'happy', 'surprise'];

/** Per word, the emotions it expresses and how strongly. */
export const EMOTION_CUES: ReadonlyMap<string, readonly { emotion: Emotion; weight: number }[]> = (() => {
  const m = new Map<string, { emotion: Emotion; weight: number }[]>();
  for (const emotion of EMOTIONS) {
    for (const [word, weight] of EMOTION_WORDS[emotion]) {
      const list = m.get(word) ?? [];
      const same = list.find((c) => c.emotion === emotion);
      if (same) same.weight = Math.max(same.weight, weight);
      else list.push({ emotion, weight });
      m.set(word, list);
    }
  }
  return m;
})();

/** Multi-character entries for the segmenter's dictionary. */
export function emotionPhrases(): string[] {
  return [...EMOTION_CUES.keys()].filter((w) => w.length >= 3);
}
