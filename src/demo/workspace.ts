import { stringify } from 'yaml';
import { sections } from '../workspace/sections/index.ts';
import { DEFAULT_TAXONOMY } from '../analyze/topic/default-taxonomy.ts';
import { PLACES } from './content.ts';
import type { DemoSites } from './sites.ts';
import { wallClock } from '../time/zone.ts';

/**
 * The demo workspace of the fictional 清溪县住房和城乡建设局: departments, a user of each role,
 * and — for each workspace section the running build has — sources pointing at the in-process
 * demo sites, watch rules, a watch period, the in-app channel, taxonomy and reply templates.
 */
export const DEMO_PASSWORD = 'minsheng-demo';

export interface DemoUser {
  username: string;
  name: string;
  role: 'admin' | 'office' | 'responder' | 'head' | 'leader';
  department?: string;
}

export const DEMO_DEPARTMENTS = [
  { code: 'office', name: '局办公室', phone: '0571-65001000', office: true },
  { code: 'jsk', name: '建设管理科', phone: '0571-65001011' },
  { code: 'fdc', name: '房地产市场监管科', phone: '0571-65001022' },
  { code: 'wyk', name: '物业管理科', phone: '0571-65001033' },
  { code: 'jcdd', name: '城建监察大队', phone: '0571-65001044' },
  { code: 'szk', name: '市政公用科', phone: '0571-65001055' },
];

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', name: '系统管理员', role: 'admin' },
  { username: 'wangfang', name: '王芳', role: 'office', department: 'office' },
  { username: 'liwei', name: '李伟', role: 'responder', department: 'jsk' },
  { username: 'zhoumin', name: '周敏', role: 'responder', department: 'fdc' },
  { username: 'chenchen', name: '陈晨', role: 'responder', department: 'wyk' },
  { username: 'sunlei', name: '孙磊', role: 'responder', department: 'jcdd' },
  { username: 'wujing', name: '吴静', role: 'responder', department: 'szk' },
  { username: 'zhaojianguo', name: '赵建国', role: 'head', department: 'jsk' },
  { username: 'qianli', name: '钱丽', role: 'head', department: 'fdc' },
  { username: 'zhengqiang', name: '郑强', role: 'head', department: 'wyk' },
  { username: 'chenju', name: '陈局长', role: 'leader' },
];

/** Taxonomy path → the demo department that answers it. */
const TOPIC_DEPARTMENTS: Record<string, string> = {
  '城乡建设/房地产市场': 'fdc',
  '城乡建设/房地产市场/房屋质量': 'fdc',
  '城乡建设/住房保障': 'fdc',
  '城乡建设/物业管理': 'wyk',
  '城乡建设/市政设施': 'szk',
  '城乡建设/道路建设': 'jsk',
  '城乡建设/建筑施工': 'jsk',
  '城乡建设/违法建设': 'jcdd',
  '城乡建设/征地拆迁': 'jsk',
};

/** Extra sections, keyed by workspace section name; only those the build knows are written. */
export function optionalSections(sites: DemoSites | null, now = new Date()): Record<string, unknown[]> {
  const day = (offset: number) => wallClock(now.getTime() + offset * 86400_000).toISOString().slice(0, 10);
  return {
    sources: sites
      ? [
          { name: '清溪论坛·民生热线', kind: 'html', url: sites.forumListUrl, interval: 60, weight: 1.2, config: { preset: 'discuz', max_details: 40 } },
          { name: '县住建局公众留言', kind: 'html', url: sites.boardListUrl, interval: 60, weight: 1.5, config: { preset: 'board', max_details: 40 } },
          { name: '清溪新闻网·民生', kind: 'feed', url: sites.newsFeedUrl, interval: 120, weight: 1 },
        ]
      : [],
    watch_rules: [
      { name: '延期交房', expression: '延期交房 | 逾期交房 | 烂尾 | (停工 & 业主)', department: 'fdc', min_level: 'blue' },
      { name: '房屋质量', expression: '(渗水 | 漏水 | 裂缝 | 开裂 | 货不对板) & (房 | 楼 | 车库)', department: 'fdc', min_level: 'blue' },
      { name: '道路施工', expression: '(施工 | 围挡 | 工期 | 挖开) & (路 | 道路 | 大道)', department: 'jsk', min_level: 'blue' },
      { name: '违法建设', expression: '违章 | 违建 | 违法建设 | 私自加盖 | 搭建 | 外扩', department: 'jcdd', min_level: 'blue' },
      { name: '物业管理', expression: '物业 | 电梯 | 业主委员会 | 垃圾', department: 'wyk', min_level: 'blue' },
      { name: '征收拆迁', expression: '拆迁 | 征收 | 补偿款 | 打桩', department: 'jsk', min_level: 'blue' },
      { name: '市政设施', expression: '路灯 | 井盖 | 积水 | 下水道 | 排水', department: 'szk', min_level: 'blue' },
    ],
    watch_periods: [{ name: '锦绣华庭交房季', keywords: ['锦绣华庭', '交房'], starts: day(-10), ends: day(20), boost: 1.5 }],
    channels: [
      { name: '站内预警', kind: 'inapp', min_level: 'blue' },
      { name: '领导站内提醒', kind: 'inapp', audience: 'leaders', min_level: 'orange', config: { roles: ['leader'] } },
    ],
    // The default taxonomy with the demo's departments attached to the topics they answer.
    taxonomy: DEFAULT_TAXONOMY.map((topic) => ({ path: topic.path, ...(topic.keywords.length ? { keywords: topic.keywords } : {}), ...(TOPIC_DEPARTMENTS[topic.path] ? { department: TOPIC_DEPARTMENTS[topic.path] } : {}) })),
    dictionary: [...PLACES.estates, ...PLACES.roads, ...PLACES.towns, ...PLACES.developers, '城建监察大队', '住建局'],
    // The bureau on its documents (抄告单, briefs) and its official forum account for statements.
    case_settings: [{ bureau_name: '清溪县住房和城乡建设局', official_account: '清溪住建' }],
    reply_templates: [
      {
        name: '三段式回复',
        kind: 'reply',
        body: '网友您好！感谢您对{department}工作的关注和监督。\n\n关于您反映的“{title}”问题，经了解，{situation}。针对这一情况，{measures}。\n\n如您还有其他疑问或建议，欢迎与{department}联系，联系电话：{phone}。',
      },
    ],
  };
}

export function demoWorkspaceYaml(sites: DemoSites | null): string {
  const known = new Set(sections.map((s) => s.key));
  const doc: Record<string, unknown> = {
    version: 1,
    departments: DEMO_DEPARTMENTS,
    users: DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
  };
  for (const [key, items] of Object.entries(optionalSections(sites))) if (known.has(key) && items.length) doc[key] = items;
  return stringify(doc);
}
