/**
 * The demo's own writing: what residents of the fictional 清溪县 post about the county 住建局's
 * work. Posts are composed from per-topic templates and place names with a seeded generator, so
 * a demo run is reproducible while new, varied posts keep arriving.
 */
export type DemoSiteKind = 'forum' | 'board' | 'news';

export interface DemoPost {
  /** Stable id within its site (thread id, message id, article id). */
  id: number;
  site: DemoSiteKind;
  topic: string;
  title: string;
  text: string;
  author: string;
  publishedAt: string;
  views: number;
  replies: DemoReply[];
}

export interface DemoReply {
  id: number;
  author: string;
  text: string;
  publishedAt: string;
}

export const PLACES = {
  estates: ['锦绣华庭', '翡翠湾', '江南名苑', '阳光城一期', '滨江壹号', '书香门第', '清溪花园三期', '御景湾'],
  roads: ['建设路', '人民大道', '滨江路', '解放东路', '城南大道', '学府路', '东门街', '工业园区纬三路'],
  towns: ['城关镇', '柳塘镇', '石桥乡', '新塘街道', '北山镇'],
  developers: ['清溪置业', '华润安居', '锦程地产', '恒远房产'],
};

interface TopicTemplate {
  topic: string;
  /** A title and its body, written together so that they tell the same story. */
  posts: [string, string][];
}

/** Templates: {estate} {road} {town} {developer} {n} {month} are filled in. */
const TOPICS: TopicTemplate[] = [
  {
    topic: 'road_works',
    posts: [
      ['{road}施工{n}个月了还没完工，什么时候能通车？', '{road}从{month}月份开始封闭施工，到现在已经{n}个月了，工地上经常看不到几个工人。附近居民和学生每天只能绕行，下雨天一地泥水。想问问住建部门，这个工程到底什么时候能完工？有没有公示的工期？'],
      ['{road}施工围挡占了半边路，早高峰堵成一锅粥', '每天上班都要经过{road}，围挡占了一大半车道，早晚高峰堵得动不了。路面坑坑洼洼，电动车摔了好几个。希望有关部门督促施工单位加快进度，至少把夜间照明和警示标志做好。'],
      ['{road}挖了又填填了又挖，出行太难了', '{road}这一段去年刚铺的沥青，今年又挖开埋管子，老百姓的钱不是这么花的吧？能不能统一规划，一次性做好？'],
      ['请问{road}改造工程的工期到底是多久？', '{road}改造工程的公示牌上写的是{month}月完工，现在早就过了，工程还没做完一半。请问工期是不是调整了？调整后的工期能不能公布一下，让附近商户心里有个数。'],
    ],
  },
  {
    topic: 'delivery_delay',
    posts: [
      ['{estate}说好{month}月交房，现在又延期了', '我们是{estate}的业主，合同约定{month}月底交房，结果开发商{developer}又发通知说要延期到明年。很多业主是贷款买的房，一边还房贷一边租房，压力很大。请住建局帮忙核实工程进度，督促开发商按期交房。'],
      ['{estate}工地停工两个月了，我们的房子还能交吗？', '{estate}工地已经停工快两个月了，塔吊都不转了。售楼处说是资金周转问题，让我们耐心等。几百户业主都很着急，担心变成烂尾楼。希望政府出面协调，给业主一个明确的说法。'],
      ['求助：{estate}逾期交房的违约金怎么算', '开发商说延期是因为天气原因，可是隔壁楼盘都按时交了。合同里写了逾期交房按日支付违约金，现在{developer}不认账。住建部门能不能监管一下预售资金，帮业主维护权益？'],
    ],
  },
  {
    topic: 'illegal_construction',
    posts: [
      ['举报：{estate}顶楼业主私自加盖阳光房', '{estate}{n}栋顶楼的住户最近在楼顶搭钢架、加盖阳光房，天天敲敲打打，楼下已经开始漏水。物业说管不了，让我们找执法部门。请问这种情况应该向哪个部门反映？多久能处理？'],
      ['{town}有人在河道边违章搭建厂房', '{town}靠近河边的那块空地，最近有人连夜搭起了彩钢瓦厂房，没有看到任何公示牌。这样的违章建筑不仅影响防汛，还有安全隐患，请城建监察部门尽快查处。'],
      ['{estate}一楼住户把花园圈起来盖了房子，有人管吗？', '{estate}一楼的住户把公共绿地圈进自家花园，还砌了砖房，小区其他业主意见很大。举报了几次都没有回音，希望有关部门依法处理，不要让守规矩的人吃亏。'],
      ['{road}沿街商铺违规外扩，占用人行道', '{road}沿街好几家商铺把门面往外扩建了两三米，人行道被占得只剩一条缝，行人只能走机动车道，太危险了。请相关部门查一查这些外扩有没有审批。'],
    ],
  },
  {
    topic: 'property_management',
    posts: [
      ['{estate}物业收费不公示，业主要求查账', '{estate}的物业费每年都收，可公共收益（广告位、停车费）从来没有公示过。业主想查账，物业一直推脱。请问住建部门对物业收费公示有什么要求？业主委员会该怎么申请成立？'],
      ['{estate}电梯三天两头坏，物业一拖再拖', '我们{estate}{n}号楼的电梯这个月已经坏了三次，有一次还困了老人和小孩。报修后物业说配件要等，一等就是一个星期。高层住户上下楼非常不便，希望主管部门督促物业尽快修好并做全面检修。'],
      ['{estate}物业擅自涨价，业主委员会怎么成立？', '物业公司突然贴出通知，物业费每平方要涨{n}毛钱，没有开业主大会，也没有征求意见。这样做合法吗？我们想成立业主委员会，希望物业管理科给个说法和指导。'],
      ['{estate}小区垃圾堆了一周没人清运', '{estate}小区门口的垃圾站已经一个星期没人清运了，天气一热臭气熏天，还招苍蝇老鼠。物业说是清运公司合同到期，这不是推卸责任吗？'],
    ],
  },
  {
    topic: 'demolition',
    posts: [
      ['{town}拆迁补偿标准为什么前后不一样？', '{town}这次征收，先签约的和后签约的补偿标准不一样，大家心里不服。希望政府公开补偿方案和评估依据，做到公平公正。'],
      ['{road}拓宽工程拆迁，补偿款迟迟不到位', '{road}拓宽工程的拆迁协议去年就签了，说好三个月内支付补偿款，到现在还有一部分没到账。我们一家老小在外租房，实在等不起了。'],
      ['旁边工地打桩，{estate}好几户墙体开裂', '{estate}旁边的工地这段时间天天打桩，我们{n}栋好几户人家的墙面出现裂缝，有的窗户都关不上了。找施工方理论，他们说要等鉴定。请住建部门组织房屋安全鉴定，给受损住户一个交代。'],
    ],
  },
  {
    topic: 'municipal',
    posts: [
      ['{road}路灯坏了一个多月，晚上黑漆漆的', '{road}从学校门口到十字路口这一段，路灯已经坏了一个多月，晚上学生放学特别不安全。打了12345，说已经转给市政部门，但一直没人来修。'],
      ['{road}人行道井盖松动，差点崴了脚', '{road}人行道上好几个井盖都松动了，踩上去咣当响，今天早上我差点崴了脚。老人小孩经过太危险，麻烦尽快处理。'],
      ['{town}雨后积水严重，排水管网该修了', '每次下大雨，{town}老街那一片就积水到小腿，商户的货都泡了。排水管网是不是太老了？希望纳入今年的改造计划。'],
      ['{road}公交站旁的下水道堵塞，臭气熏天', '{road}公交站旁边的下水道堵了快半个月，污水漫到人行道上，等车的人都捂着鼻子。希望市政部门尽快疏通。'],
    ],
  },
  {
    topic: 'housing_quality',
    posts: [
      ['{estate}新房才住一年，外墙大面积渗水', '{estate}交房才一年多，一下雨我家卧室外墙就渗水，墙纸都发霉了。找开发商维修了两次，没过多久又漏。请质监部门检查一下这批房子的外墙防水工程质量。'],
      ['{developer}交付的{estate}，地下车库漏水严重', '{estate}地下车库顶板到处滴水，车子停在里面全是水渍，墙角还长了青苔。开发商{developer}说过了保修期，但我们才交房两年。'],
      ['{estate}精装修交房货不对板', '样板房里承诺的品牌卫浴和地板，交房时全换成了杂牌，业主验房时发现了一大堆问题。合同约定的装修标准不兑现，请住建部门核查。'],
    ],
  },
  {
    topic: 'praise',
    posts: [
      ['点赞！{road}提前完工通车了', '{road}改造工程比原计划提前半个月完工，路面平整、路灯明亮，还新增了非机动车道。施工期间住建局每周公布进度，有问题回复也很及时，给你们点个赞！'],
      ['{estate}加装电梯终于落地，感谢住建局', '{estate}是老小区，加装电梯谈了三年，这次在住建局和街道的协调下终于开工了。工作人员上门讲政策、帮着算分摊，老人们都很高兴。'],
      ['{town}老旧小区改造后变化真大', '{town}的老旧小区改造完成后，雨污分流了，外墙刷新了，还建了停车位和小花园。希望这样的好事多办一些。'],
    ],
  },
];

const CITIZENS = ['清溪老王', '江畔听风', '小城故事多', '业主维权群', '路过的市民', '柳塘阿强', '夜归人', '学府路老师', '热心网友_8848', '住在城南', '一只喵', '清溪土著', '锦绣业主小李', '开车上班族', '石桥老党员'];

const REPLY_TEXTS = [
  '同问，我也遇到了同样的问题。',
  '顶一下，希望有关部门能看到。',
  '上次打了12345，说会转办，到现在没消息。',
  '这个事情拖了很久了，必须要有个说法。',
  '我家也是，已经拍了照片留证据。',
  '楼主说的是实情，我每天都路过。',
  '建议大家一起联名反映。',
  '@住建局 请关注一下！',
];

/** News items: a title and its article, kept together so that the two tell the same story. */
const NEWS: [string, string][] = [
  ['县住建局召开{month}月份重点工程推进会', '为加快推进城市基础设施建设，县住建局近日召开专题会议，逐一梳理{road}等重点项目的进度和问题，要求各施工单位倒排工期、挂图作战，确保按期完工，同时做好文明施工和交通疏导。'],
  ['{road}综合改造工程进入路面摊铺阶段', '{road}综合改造工程日前完成地下管网铺设，进入路面摊铺阶段。施工单位表示将在确保质量的前提下加快进度，施工期间请过往车辆和行人注意绕行。'],
  ['我县开展物业服务质量专项检查', '近日，县住建局联合街道、社区对全县住宅小区物业服务开展专项检查，重点检查收费公示、电梯维保、消防通道和垃圾清运等情况，对发现的问题限期整改。'],
  ['县住建局约谈{developer}，督促{estate}项目复工', '针对群众反映的{estate}项目停工问题，县住建局约谈{developer}主要负责人，要求制定复工计划并向业主公开，同时加强预售资金监管，切实维护购房群众合法权益。'],
  ['{town}老旧小区改造项目惠及{n}百余户居民', '{town}老旧小区改造项目近日完工，完成雨污分流、外墙翻新、停车位和绿化提升等内容，{n}百余户居民居住条件明显改善。'],
  ['县城建监察大队拆除违法建设{n}处', '县城建监察大队近日在{town}开展违法建设集中整治行动，依法拆除违法建设{n}处，并对新发现的违建苗头及时制止。'],
];

/** A small deterministic PRNG (mulberry32) so that a demo run can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

function fill(template: string, rand: () => number, slots: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => slots[name] ?? name);
}

function slotsFor(rand: () => number): Record<string, string> {
  return {
    estate: pick(rand, PLACES.estates),
    road: pick(rand, PLACES.roads),
    town: pick(rand, PLACES.towns),
    developer: pick(rand, PLACES.developers),
    n: String(2 + Math.floor(rand() * 8)),
    month: String(1 + Math.floor(rand() * 12)),
  };
}

/**
 * The n-th post of a site: the same (site, n, seed) always gives the same post. Forum threads
 * get citizen replies; board messages and news articles stand alone.
 */
export function composePost(site: DemoSiteKind, n: number, publishedAt: Date, seed = 2026): DemoPost {
  const rand = seededRandom(seed * 1000 + n * 7 + (site === 'forum' ? 1 : site === 'board' ? 2 : 3));
  const slots = slotsFor(rand);
  if (site === 'news') {
    const [title, text] = pick(rand, NEWS);
    return {
      id: n,
      site,
      topic: 'news',
      title: fill(title, rand, slots),
      text: fill(text, rand, slots),
      author: '清溪新闻网',
      publishedAt: publishedAt.toISOString(),
      views: 100 + Math.floor(rand() * 900),
      replies: [],
    };
  }
  // The board hears complaints; praise shows up on the forum only.
  const topics = site === 'board' ? TOPICS.filter((t) => t.topic !== 'praise') : TOPICS;
  const topic = pick(rand, topics);
  const [title, body] = pick(rand, topic.posts);
  const post: DemoPost = {
    id: n,
    site,
    topic: topic.topic,
    title: fill(title, rand, slots),
    text: fill(body, rand, slots),
    author: pick(rand, CITIZENS),
    publishedAt: publishedAt.toISOString(),
    views: 50 + Math.floor(rand() * (topic.topic === 'praise' ? 300 : 3000)),
    replies: [],
  };
  if (site === 'forum') {
    const count = Math.floor(rand() * 5);
    for (let i = 0; i < count; i++) {
      post.replies.push({
        id: n * 100 + i + 1,
        author: pick(rand, CITIZENS),
        text: pick(rand, REPLY_TEXTS),
        publishedAt: new Date(publishedAt.getTime() + (i + 1) * 7 * 60_000).toISOString(),
      });
    }
  }
  return post;
}

export const TOPIC_NAMES: Record<string, string> = {
  road_works: '道路施工',
  delivery_delay: '延期交房',
  illegal_construction: '违法建设',
  property_management: '物业管理',
  demolition: '征收拆迁',
  municipal: '市政设施',
  housing_quality: '房屋质量',
  praise: '表扬建议',
};
