/**
 * The matter of a post (issue 17, part 5): the places and objects it is about — a road (X路,
 * X大道, X街), an estate (X小区, X花园, X苑, X新城, X家园), a street or village (X街道, X镇, X村,
 * X社区), a project (X工程, X项目), a company or school (X公司, X学校), a station or park — read
 * from the title and the opening of the text, plus the workspace dictionary's names. Events link
 * on these: two posts about one road are one matter, three estates are three.
 *
 * Names are cut out of the text itself rather than from jieba's tokens: jieba splits a name it
 * does not know in arbitrary places (区丽发|新城, 市伊|景园|滨河|苑), while the suffix and the
 * words around a name (在, 的, 关于, 附近 …) are stable. Administrative prefixes (A市, A2区, 西地省,
 * 长沙市岳麓区) are dropped: a city or a district is not a matter.
 */

/** Suffixes that end a place or object name, longest first where one contains another. */
const SUFFIXES = [
  '有限责任公司', '股份有限公司', '有限公司', '小区', '花园', '家园', '新城', '新村', '公寓', '广场', '大道', '街道', '社区', '工程', '项目', '公司',
  '中学', '小学', '学校', '学院', '大学', '幼儿园', '医院', '公园', '市场', '大厦', '商城', '地铁站', '高铁站', '火车站', '汽车站', '立交桥', '大桥',
  '水库', '园区', '苑', '路', '街', '巷', '镇', '乡', '村', '府', '湾', '城', '站', '桥',
];

/** Words that stand between names: a name never spans them (they are cut out before suffixes are read). */
const BREAK_WORDS = [
  '关于', '反映', '投诉', '举报', '咨询', '请问', '希望', '建议', '要求', '恳请', '强烈', '位于', '地处', '坐落', '座落', '附近', '旁边', '对面', '门口', '周边', '周围',
  '一带', '路口', '路段', '交汇处', '交叉口', '以及', '还有', '还是', '没有', '已经', '目前', '现在', '一直', '居民', '业主', '住户', '村民', '市民', '我们', '你们', '他们',
  '这个', '那个', '这些', '那些', '什么', '为什么', '怎么', '是否', '能否', '何时', '多久', '问题', '情况', '严重', '影响', '导致', '存在', '进行', '施工', '建设',
  '改造', '整治', '拆迁', '征收', '噪音', '扰民', '污染', '占道', '停车', '收费', '物业', '开发商', '相关', '有关', '部门', '领导', '政府', '您好', '你好', '尊敬',
  '靠近', '进入', '横跨', '经过', '沿着', '通往', '前往', '解决', '改变', '来到', '包括', '就是', '必须', '同时', '多年来', '依法', '方面', '以来', '左拐', '右拐',
];

/** Single characters that are not part of a name where they stand (function words, pronouns, verbs of place). */
const BREAK_CHARS = new Set('在住的了是和与及到对于从向把被给为我你他她它们这那该本此其每各请问由因就都也还又很将已等有无不没要想让使所而但或即若如若等了吗呢吧啊嘛么着过个'.split(''));

/**
 * Names that say nothing on their own: a generic word before the suffix (老旧小区, 地铁站, 该小区,
 * 道路, 城市), which would link every post mentioning one.
 */
const GENERIC = new Set([
  '普惠性', '公办', '民办', '私立', '公立', '配套', '老旧', '安置', '居民', '整个', '其他', '其它', '所在', '商品房', '保障房', '回迁', '新建', '开放式', '封闭式', '高档', '各个', '多个', '部分', '个别', '周边',
  '地铁', '公交', '高铁', '火车', '汽车', '加油', '收费', '变电', '污水', '垃圾', '网', '农', '乡', '城', '车', '道', '马', '公', '铁', '线', '思', '出', '门',
  '改建', '扩建', '重点', '民生', '惠民', '市政', '基础', '配套', '房地产', '开发', '物业', '物业管理', '建筑', '施工', '中介', '培训', '教育', '科技', '投资',
  '贸易', '实业', '置业', '发展', '管理', '服务', '网络', '信息', '技术', '文化', '传媒', '保险', '银行', '电力', '供电', '供水', '燃气', '自来水', '电信', '移动', '联通',
  '中心', '城市', '城区', '县城', '省城', '老城', '新城', '农村', '乡村', '城镇', '乡镇', '集镇', '街', '大街', '小街', '街头', '沿街', '临街', '道路', '马路', '公路',
  '铁路', '线路', '小区', '花园', '社区', '街道', '学校', '医院', '公司', '工程', '项目', '国际', '本市', '本区', '本县', '全市', '全区', '全县', '全省', '我市', '我区',
  '我县', '城中', '城关', '河', '江', '湖', '山', '东', '西', '南', '北', '中', '上', '下', '大', '小', '老', '新', '一', '二', '三', '高', '低', '前', '后',
]);

/** Administrative prefixes: A市, A2区, K3县, 西地省, 长沙市, 岳麓区 (a city or district is not a matter). */
const ADMIN_PREFIX = /^(?:[A-Z][0-9]{0,2}[省市区县]|[\u4e00-\u9fff]{2,4}?[省市县]|[\u4e00-\u9fff]{2,3}?区(?![内外])|[A-Z][0-9]{0,2})+/u;

const BREAK_RE = new RegExp(BREAK_WORDS.sort((a, b) => b.length - a.length).join('|'), 'g');
/** A suffix that begins a longer word here is no suffix: 路灯, 路面, 城市, 城管, 村民, 站点, 桥梁. */
const NOT_AFTER: Record<string, string> = { 路: '线面灯费过人况程径由', 城: '区市管乡中镇际建', 村: '民委级里', 站: '点长台岗', 桥: '梁面下', 街: '头面道巷', 镇: '政上里', 乡: '镇村下亲', 府: '门', 湾: '区' };
const SUFFIX_RE = new RegExp(`(?:${SUFFIXES.map((x) => (NOT_AFTER[x] ? `${x}(?![${NOT_AFTER[x]}])` : x)).join('|')})`, 'gu');
/** Runs of characters a name can hold (Han, Latin letters, digits). */
const RUN_RE = /[\u4e00-\u9fffA-Za-z0-9]+/gu;

/** The longest a name may be before its suffix (longer runs keep their last characters). */
const MAX_STEM = 8;
/** How much of the text's opening is read (the title is read whole): the opening says what a post is about. */
export const MATTER_TEXT_CHARS = 300;
/** At most this many places per post, title's first. */
export const MAX_PLACES = 6;

/** The place and object names of one piece of text, in order of appearance. */
export function placesIn(text: string): string[] {
  const out: string[] = [];
  const cleaned = text.replace(BREAK_RE, '，');
  for (const run of cleaned.matchAll(RUN_RE)) {
    const s = run[0];
    let start = 0;
    SUFFIX_RE.lastIndex = 0;
    for (let m = SUFFIX_RE.exec(s); m; m = SUFFIX_RE.exec(s)) {
      const end = m.index + m[0].length;
      // a suffix followed by more of a longer suffix word (路口, 小区内) still ends the name here
      let from = start;
      for (let i = m.index - 1; i >= start; i--) {
        if (BREAK_CHARS.has(s[i])) {
          from = i + 1;
          break;
        }
      }
      let stem = s.slice(from, m.index).replace(ADMIN_PREFIX, '');
      if (stem.length > MAX_STEM) stem = stem.slice(stem.length - MAX_STEM);
      start = end;
      if (stem.length < 2 || GENERIC.has(stem) || /^[0-9A-Za-z]+$/.test(stem) || /^[0-9]/.test(stem)) continue;
      // 一期小区, 整个小区, 绝大部分小区: a part or an amount, not an estate's name
      if (m[0] === '小区' && /[期栋号分围整个些多]$/.test(stem)) continue;
      // an estate is its name (魅力之城小区 = 魅力之城); a company its name before 有限公司
      const name = m[0] === '小区' ? stem : stem + (m[0].endsWith('公司') ? '公司' : m[0]);
      if (!out.includes(name)) out.push(name);
    }
  }
  return out;
}

/**
 * The places and objects a post is about: the title's first, then the opening of the text's,
 * then the workspace dictionary's names found in its words; at most MAX_PLACES.
 */
export function matterPlaces(title: string, text: string, tokens: readonly string[] = [], dictionary?: ReadonlySet<string>): string[] {
  const out = placesIn(title);
  for (const p of placesIn(text.slice(0, MATTER_TEXT_CHARS))) if (!out.includes(p)) out.push(p);
  if (dictionary?.size) for (const t of tokens) if (dictionary.has(t) && !out.some((p) => p.includes(t))) out.push(t);
  // a shorter name at the end of a longer one (魅力之城 of 万科魅力之城) is the same place: keep the shorter
  return out.filter((p, i) => !out.some((o, j) => j !== i && o.length < p.length && p.endsWith(o))).slice(0, MAX_PLACES);
}

/**
 * Whether two names are one place: equal, or one ends with the other (靠近黄兴路 / 黄兴路,
 * 万科魅力之城 / 魅力之城) — a name's start is where reading it is least sure.
 */
export function samePlace(a: string, b: string): boolean {
  return a.length <= b.length ? b.endsWith(a) : a.endsWith(b);
}

/** Whether two posts' places allow one matter: neither names a place, or a place is shared. */
export function placesAgree(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a?.length || !b?.length) return false;
  return a.some((x) => b.some((y) => samePlace(x, y)));
}

/** The key a name is found by (its last three characters: every name it is the same place as shares it). */
export function placeKey(name: string): string {
  return name.length > 3 ? name.slice(-3) : name;
}

/**
 * Words of a title that frame a message rather than name its matter (issue 17, part 6): asking,
 * complaining, addressing, hedging, and the function words between them. Longest first.
 */
const FRAME_WORDS = [
  '尊敬的', '什么时候', '为什么', '怎么办', '的问题', '有关部门', '相关部门', '关于', '反映', '反应', '投诉', '举报', '咨询', '请问', '希望', '建议', '要求',
  '恳请', '请求', '维权', '问题', '情况', '事宜', '相关', '有关', '何时', '什么', '能否', '是否', '可否', '为何', '怎么', '如何', '到底', '究竟', '严重', '非常',
  '真的', '一直', '长期', '经常', '再次', '强烈', '市民', '居民', '业主', '政府', '领导', '书记', '市长', '县长', '区长', '您好', '你好', '附近', '旁边', '周边',
  '门口', '楼下', '对面', '我们', '可以', '能不能', '有没有', '还是', '已经', '现在', '目前', '请', '我', '吗', '呢', '啊', '吧', '了', '的', '在', '和', '与',
  '及', '被', '把', '对', '又', '还', '太', '很', '都', '也', '就', '却', '这', '那',
];
const FRAME_RE = new RegExp(FRAME_WORDS.sort((a, b) => b.length - a.length).join('|'), 'g');
const ADMIN_ANYWHERE = /[A-Z][0-9]{0,2}[省市区县]|[\u4e00-\u9fff]{2,3}省/gu;
/** The longest a name's matter part may be. */
const MATTER_CHARS = 8;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What a post is about, in words people read (issue 17, part 6): its first place and the
 * matter its title states — 「魅力之城 油烟扰民」, 「沿港西路 改建工期拖延」, 「洪山公园 开工建设」 —
 * never framing words or fragments (的工期, 到底是). Falls back to the place alone, then to the
 * title's matter alone, then to the title cut short.
 */
export function matterName(title: string, text: string, places?: readonly string[], words?: readonly string[]): string {
  const named = places ?? matterPlaces(title, text);
  const source = (title || text.slice(0, 60)).normalize('NFKC');
  // where the words of the title begin (a name is cut between words, never inside one)
  const starts = new Set<number>();
  if (words?.length) {
    let at = 0;
    for (const w of words) {
      const i = source.indexOf(w, at);
      if (i < 0 || i > at + 2) break;
      starts.add(i);
      at = i + w.length;
      starts.add(at);
      if (at >= source.length) break;
    }
  }
  // the title without its places (in their written form: 魅力之城小区), administrative prefixes and framing
  // (replaced by as many separators, so that positions stay those of the title)
  const blank = (m: string) => '，'.repeat(m.length);
  let rest = source.replace(ADMIN_ANYWHERE, blank);
  for (const p of [...named].sort((a, b) => b.length - a.length)) rest = rest.replace(new RegExp(`${escapeRe(p)}(?:小区)?`, 'g'), blank);
  rest = rest.replace(FRAME_RE, blank);
  let matter = '';
  for (const r of rest.matchAll(/[\u4e00-\u9fffA-Za-z0-9]+/gu)) {
    if (matter.length >= 4) break;
    if (r[0].length < 2 || /^[0-9A-Za-z]+$/.test(r[0])) continue;
    let run = r[0];
    if (matter.length + run.length > MATTER_CHARS) {
      // cut at the last word boundary that leaves at least two characters, else at MATTER_CHARS
      const room = MATTER_CHARS - matter.length;
      let cut = room;
      if (starts.size) for (cut = room; cut > 1 && !starts.has(r.index! + cut); cut--);
      run = run.slice(0, cut > 1 ? cut : room);
    }
    matter += run;
  }
  // the place the title names, else the text's first
  const place = named[0] ?? '';
  if (place && matter) return `${place} ${matter}`;
  if (place) return place;
  if (matter) return matter;
  const base = source.replace(/\s+/g, ' ').trim();
  return base.length > 20 ? `${base.slice(0, 20)}…` : base || '（无标题）';
}

/** Places that are objects of a matter rather than where it is (events/matter.ts matterPairs). */
const OBJECT_RE = /(?:站|厂|工程|项目|公司|学校|中学|小学|幼儿园|医院|公园|市场|大厦|商城|桥)$/u;

/**
 * Kinds of matter a message board hears again and again, each with the words people use for it: two
 * posts about one road, one saying 改建工期 and the other 施工进度, tell one matter. A kind is added to
 * a post's matter (as `#kind`) when its title or the opening of its text uses one of the words.
 */
const MATTER_KINDS: Record<string, string[]> = {
  works: ['施工', '修路', '改建', '扩建', '改造', '工期', '进度', '围挡', '完工', '竣工', '通车', '开工', '停工', '烂尾', '延期', '拖延', '一拖再拖', '打通', '断头路'],
  noise: ['噪音', '噪声', '扰民', '吵闹', '施工噪', '夜间施工', '广场舞', '喇叭'],
  fumes: ['油烟', '烧烤', '异味', '臭味', '排烟', '粉尘', '扬尘', '灰尘', '污染'],
  delivery: ['交房', '逾期交房', '延期交房', '房屋质量', '开裂', '渗水', '漏水', '精装'],
  parking: ['车位', '停车位', '停车场', '停车费', '乱停'],
  school: ['学位', '入学', '学区', '划片', '上学', '幼儿园', '小学'],
  demolition: ['拆迁', '征收', '补偿', '安置', '征地'],
  property: ['物业', '物业费', '业委会'],
  illegal: ['违建', '违章', '搭建', '住改商', '占道'],
  wages: ['拖欠', '欠薪', '工资', '讨薪'],
  fees: ['收费', '乱收费', '退费', '押金', '认筹'],
};
const KIND_RE = Object.entries(MATTER_KINDS).map(([kind, words]) => [kind, new RegExp(words.join('|'))] as const);
/** How much of the text's opening says the kind of matter (the title is read whole). */
const KIND_TEXT_CHARS = 80;

/**
 * The matter part of a title as character pairs (the title without places, prefixes and framing):
 * 捆绑销售车位 and 捆绑车位销售 share 捆绑, 销售, 车位; 不动产证未办 and 捆绑销售 share none.
 */
export function matterPairs(title: string, places: readonly string[], text = ''): string[] {
  let rest = title.normalize('NFKC').replace(ADMIN_ANYWHERE, '，');
  for (const p of [...places].sort((a, b) => b.length - a.length)) rest = rest.replace(new RegExp(`${escapeRe(p)}(?:小区)?`, 'g'), '，');
  rest = rest.replace(FRAME_RE, '，');
  const out = new Set<string>();
  const add = (r: string) => {
    for (let i = 0; i + 1 < r.length; i++) out.add(r.slice(i, i + 2));
  };
  for (const r of rest.match(/[\u4e00-\u9fff]{2,}/gu) ?? []) add(r);
  // an object the title names (a mixing plant, a school, a project) is part of its matter: 丽发新城's
  // 搅拌站 is one matter however the complaint is worded; a street or village is only where it is
  for (const p of places) if (OBJECT_RE.test(p) && title.includes(p.slice(-3))) add(p.slice(-3));
  const said = `${title}\n${text.slice(0, KIND_TEXT_CHARS)}`;
  for (const [kind, re] of KIND_RE) if (re.test(said)) out.add(`#${kind}`);
  return [...out];
}
