import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Post texts for the benchmarks: real citizen messages from the shared datasets when a path is
 * given (read, never copied; each post is a variant of one message, so a million posts are not
 * a million copies), else generated messages with the lengths and vocabulary of real ones
 * (titles of 8–30 characters, bodies of 40–1,500 around a median near 220, a dozen areas of
 * public matters, narrative and closing sentences, many place names).
 */
export interface CorpusPost {
  title: string;
  text: string;
  /** The generator's own labels (generated posts only): what a person would say the post is. */
  sentiment?: 'negative' | 'neutral' | 'positive';
}

export type Rng = () => number;

/** mulberry32: the same sequence for the same seed on every machine. */
export function rng(seed: number): Rng {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickOf =
  (r: Rng) =>
  <T>(a: readonly T[]): T =>
    a[Math.floor(r() * a.length)];

const DISTRICTS = ['城关区', '高新区', '经开区', '滨江区', '东城区', '西城区', '南湖区', '北山区', '临港新区', '青山镇', '白沙镇', '石门乡', '柳河镇', '新安街道', '朝阳街道'];
const ROADS = ['建设路', '人民大道', '解放路', '中山路', '沿江大道', '长江路', '黄河路', '和平街', '新华路', '胜利路', '文化路', '迎宾大道', '工业路', '环城西路', '学府路', '金桥路', '东风路', '光明街', '振兴大道', '湘江路', '枫林路', '桐梓坡路', '芙蓉中路', '雨花路'];
const ESTATES = ['锦绣华庭', '翡翠湾', '阳光花园', '金色家园', '和谐小区', '幸福里', '碧水蓝天', '御景城', '香樟苑', '书香门第', '滨江一号', '紫金城', '丽发新城', '魅力之城', '万象华府', '东方名苑', '桂花园', '清华苑', '世纪城', '湖畔人家', '龙湾半岛', '山水名城'];
const SCHOOLS = ['实验小学', '第一中学', '第三中学', '育才小学', '城南幼儿园', '职业技术学院', '外国语学校', '新区中学'];
const COMPANIES = ['宏达建设', '华信物业', '恒通公交', '城投集团', '鑫源房地产', '长丰化工', '顺达物流', '金盛置业', '绿源环保', '天成建材'];
const PLACES = ['菜市场', '公园', '广场', '地铁站', '公交站', '汽车站', '人民医院', '卫生院', '派出所', '政务中心', '体育馆', '图书馆'];
const WHO = ['物业公司', '开发商', '施工单位', '街道办', '社区居委会', '城管', '环卫部门', '供水公司', '公交公司', '学校', '医院', '商家', '村委会', '用人单位'];

/** Areas of public matters, each with complaint sentences ({r} road, {e} estate, {d} district, {s} school, {c} company, {p} place). */
const AREAS: readonly (readonly string[])[] = [
  ['{r}施工已经半年了还没完工，围挡占了半条马路', '{r}路面挖开后一直没有恢复，下雨天全是泥水', '{d}{r}的人行道翻修了又挖，反复施工', '{r}路灯坏了好几天没人修，晚上漆黑一片', '{r}到{p}的路段坑洼不平，电动车经常摔倒'],
  ['{e}延期交房快一年了，开发商一直推脱', '{e}的房子墙体开裂漏水，质量问题严重', '{e}网签备案迟迟办不下来，业主无法落户', '{e}开发商承诺的学校和配套至今没有兑现', '{e}办理房产证遥遥无期，{c}说还在走流程'],
  ['{e}物业乱收费，停车费又涨价了', '{e}电梯经常坏，上周还困了人，物业维修不及时', '{e}小区垃圾堆满没人清理，臭气熏天', '{e}业主委员会选举被物业干预', '{e}公共维修资金的使用一直不公开'],
  ['{r}工地夜间施工噪音扰民，凌晨两点还在打桩', '{e}旁边的工地每天晚上施工，居民无法休息', '{d}{r}渣土车半夜轰鸣，噪音很大', '{e}楼下广场舞音响太吵，晚上十点还不停', '{r}附近搅拌站噪音和粉尘污染严重'],
  ['{d}拆迁补偿标准不公开，村民意见很大', '{r}沿线拆迁安置房迟迟不能交付', '{d}拆迁没有出示任何手续就开始动工', '{e}棚户区改造补偿款一直没有到位', '{d}拆迁过渡费已经停发三个月'],
  ['{c}偷排污水，{d}的河道发黑发臭', '{d}{r}附近的工厂晚上排放废气，气味刺鼻', '{e}楼下饭店油烟直排，窗户都不敢开', '{d}有人焚烧垃圾，浓烟滚滚', '{r}的垃圾站离居民楼太近，夏天臭味难闻'],
  ['{s}周边上下学时段交通拥堵，家长接送很危险', '{s}划片入学政策不明确，孩子上学成了难题', '{s}收取各种名目的费用，家长负担重', '{s}食堂饭菜质量差，孩子经常吃不饱', '{d}的幼儿园学位太紧张，报名排不上'],
  ['{c}拖欠工资已经三个月，几十个工人讨薪无门', '{c}不给员工缴纳社保，还让签自愿放弃的协议', '{c}随意辞退员工，不支付经济补偿', '在{c}工作多年，加班费从来没有发过', '{d}的农民工工资保证金制度形同虚设'],
  ['{p}的医生态度恶劣，挂号排队要一上午', '{d}卫生院药品短缺，慢性病患者只能去市里开药', '{p}收费不透明，同样的检查比别处贵', '{d}的医保报销手续太繁琐，跑了好几趟', '{d}{p}附近的药店卖过期药品'],
  ['{r}的红绿灯时间设置不合理，早晚高峰堵成一片', '{d}到市区的公交车班次太少，等车要一个小时', '{r}违停现象严重，消防通道被堵', '{p}门口的出租车拒载、不打表', '{d}的通村公路年久失修，坑坑洼洼'],
  ['{e}小区自来水发黄，已经停水两天', '{d}经常无故停电，也不提前通知', '{e}燃气管道改造拖了半年', '{e}冬天暖气不热，室温只有十几度', '{d}{r}排水不畅，一下雨就积水'],
  ['{p}附近有人占道经营，流动摊贩太多', '{r}沿街商铺违章搭建占用人行道', '{e}一楼住户私挖地下室，影响楼体安全', '{d}农田上盖起了违法建筑', '{e}的绿地被改成了停车场'],
];
const OPENERS = ['', '', '', '尊敬的领导：您好！', '领导您好，', '我是{d}的居民，', '作为{e}的业主，', '再次反映，', '反映一个问题：', '我们是{r}附近的住户，', '您好，我想咨询一下，'];
const NARRATIVE = [
  '这个问题已经存在很长时间了。',
  '我们多次拨打12345热线，答复说会转交相关部门，但一直没有下文。',
  '之前也向街道和社区反映过，工作人员说不归他们管。',
  '周边住着几百户居民，老人和小孩居多，出行很不方便。',
  '去年就有人反映过，当时说很快解决，结果到现在还是老样子。',
  '{c}的负责人说要等上面的文件，让我们再等等。',
  '昨天晚上又出现同样的情况，大家都很气愤。',
  '有人拍了视频发到网上，很多网友都在转发。',
  '听说隔壁{d}也有类似的情况，已经处理好了。',
  '我们已经收集了{n}户居民的签名。',
  '附近的{p}每天人流量很大，存在很大的安全隐患。',
  '问题反映到{w}，{w}说会处理，但一个多月过去了没有任何变化。',
];
const CLOSERS = [
  '希望有关部门尽快处理。',
  '恳请领导重视，给我们一个答复。',
  '请相关部门管一管！',
  '到底有没有人管？',
  '希望能早日解决，谢谢！',
  '请问这种情况应该找哪个部门？',
  '建议加强监管，定期检查。',
];
const PRAISE = ['感谢{w}的及时处理，现在问题已经解决了，点赞！', '上次反映的问题很快就得到了处理，谢谢相关部门。', '现在情况有所好转，感谢工作人员的辛苦付出。'];

/** A lognormal length: median `median`, within [min, max]. */
function lengthOf(r: Rng, median: number, min: number, max: number): number {
  const z = Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
  return Math.max(min, Math.min(max, Math.round(median * Math.exp(0.65 * z))));
}

/** Generated messages: a complaint (sometimes thanks) in one area of public matters, narrated as citizens write them. */
export function generatedCorpus(seed: number): (i: number) => CorpusPost {
  const r = rng(seed);
  const pick = pickOf(r);
  const fill = (s: string) =>
    s
      .replaceAll('{r}', pick(ROADS))
      .replaceAll('{e}', pick(ESTATES))
      .replaceAll('{d}', pick(DISTRICTS))
      .replaceAll('{s}', pick(SCHOOLS))
      .replaceAll('{c}', pick(COMPANIES))
      .replaceAll('{p}', pick(PLACES))
      .replaceAll('{w}', pick(WHO))
      .replaceAll('{n}', String(10 + Math.floor(r() * 300)));
  return () => {
    const area = pick(AREAS);
    const first = fill(pick(area));
    const praise = r() < 0.08;
    const target = lengthOf(r, 220, 40, 1500);
    let text = `${fill(pick(OPENERS))}${first}。`;
    while (text.length < target) {
      const roll = r();
      text += roll < 0.55 ? fill(pick(NARRATIVE)) : roll < 0.8 ? `${fill(pick(area))}。` : `${fill(pick(pick(AREAS)))}。`;
    }
    text += praise ? fill(pick(PRAISE)) : pick(CLOSERS);
    const title = first.length > 30 ? first.slice(0, 30) : first.length < 8 ? `${first}的问题` : first;
    return { title: r() < 0.3 ? `关于${title}` : title, text, sentiment: praise ? 'positive' : r() < 0.15 ? 'neutral' : 'negative' };
  };
}

interface RealMessage {
  title: string;
  sentences: string[];
}

const DATASET_FILES = ['messages_with_votes_4326.jsonl', 'messages_with_replies_dev.jsonl', 'messages_unlabeled_test2801.jsonl'];

/** The real messages under `dir` (teddycup2020c), or null when the path is absent. */
export function loadRealMessages(dir: string): RealMessage[] | null {
  const base = join(dir, 'teddycup2020c');
  if (!existsSync(base)) return null;
  const out: RealMessage[] = [];
  for (const f of DATASET_FILES) {
    const path = join(base, f);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as Record<string, unknown>;
      const title = String(m['留言主题'] ?? '').trim();
      const body = String(m['留言详情'] ?? '').replace(/\s+/g, '');
      const sentences = body.match(/[^。！？!?；;]+[。！？!?；;]?/g) ?? [];
      if (title && sentences.length) out.push({ title, sentences });
    }
  }
  return out.length ? out : null;
}

/**
 * Variants of real messages: post i takes message i mod N (so every message is used before any
 * repeats) and, from its second use on, drops a few of its sentences, moves the district codes
 * (A3区 → A5区) and swaps in a sentence of another message — distinct texts with the message's
 * own vocabulary, length and style.
 */
export function realCorpus(messages: RealMessage[], seed: number): (i: number) => CorpusPost {
  const r = rng(seed);
  return (i) => {
    const m = messages[i % messages.length];
    if (i < messages.length) return { title: m.title, text: m.sentences.join('') };
    const shift = 1 + Math.floor(r() * 8);
    const move = (s: string) => s.replace(/A(\d)(区|县|市)/g, (_, d: string, u: string) => `A${((Number(d) + shift) % 9) + 1}${u}`);
    const kept = m.sentences.filter((_, k) => k === 0 || r() > 0.25);
    const other = messages[Math.floor(r() * messages.length)];
    kept.splice(1 + Math.floor(r() * kept.length), 0, other.sentences[Math.floor(r() * other.sentences.length)]);
    return { title: move(m.title), text: move(kept.join('')) };
  };
}

/** Real messages when `dataDir` holds them, else generated ones; says which. */
export function corpusFor(dataDir: string | null, seed: number): { next: (i: number) => CorpusPost; kind: string } {
  const real = dataDir ? loadRealMessages(dataDir) : null;
  if (real) return { next: realCorpus(real, seed), kind: `real messages (${real.length} from ${dataDir}/teddycup2020c, varied)` };
  return { next: generatedCorpus(seed), kind: dataDir ? `generated (no datasets at ${dataDir})` : 'generated' };
}
