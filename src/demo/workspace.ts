import { stringify } from 'yaml';
import { sections } from '../workspace/sections/index.ts';
import type { DemoSites } from './sites.ts';

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

/** Topic → department that answers it, used for taxonomy and rules. */
export const DEMO_ROUTING: Record<string, string> = {
  road_works: 'jsk',
  delivery_delay: 'fdc',
  housing_quality: 'fdc',
  property_management: 'wyk',
  illegal_construction: 'jcdd',
  demolition: 'jsk',
  municipal: 'szk',
};

/** Extra sections, keyed by workspace section name; only those the build knows are written. */
export function optionalSections(sites: DemoSites | null): Record<string, unknown[]> {
  return {
    sources: sites
      ? [
          { name: '清溪论坛·民生热线', kind: 'html', preset: 'discuz', url: sites.forumListUrl, interval: 30, weight: 1.2, department: 'office' },
          { name: '县住建局公众留言', kind: 'html', preset: 'board', url: sites.boardListUrl, interval: 45, weight: 1.5, department: 'office' },
          { name: '清溪新闻网·民生', kind: 'feed', url: sites.newsFeedUrl, interval: 60, weight: 1 },
        ]
      : [],
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
