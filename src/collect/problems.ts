import type { CollectError } from './types.ts';
import type { SourceProblem } from './vocabulary.ts';

/**
 * Why a source stopped bringing posts, told from what the site or RSSHub answered. RSSHub answers
 * a failed route with HTTP 503 (403 for a refused one) and an HTML page "Looks like something went
 * wrong" whose "Error Message" reads `ConfigNotFoundError: …` when a route's cookie is missing, or
 * the upstream's answer (`FetchError: [GET] "https://weibo.com/…": 403 Forbidden`); as a package it
 * answers `{"error":{"message":…}}`. Sites put a captcha or a JS challenge (安全验证, 滑块, "Just a
 * moment…") behind 403/412/429/503, and send an expired login to their passport page.
 */

/** An anti-bot wall: captcha, slider, JS challenge, WAF or rate-limit page. */
const BLOCKED = [
  /captcha|验证码|安全验证|滑块|拖动.{0,6}(滑块|验证)|人机验证|行为验证|slider|geetest|nc_token/i,
  /just a moment|cf-chl|challenge-platform|cf_clearance|attention required|checking your browser|ddos-guard/i,
  /访问过于频繁|请求过于频繁|操作频繁|频率过快|too many requests|rate limit|访问受限|访问被拒绝|疑似机器人|异常访问|anti-?bot|_waf_|acw_sc__v2|aliyun_waf|安全检测/i,
];
/** An expired or missing login: RSSHub's missing-config error, a passport page, "please log in". */
const LOGIN = [
  /ConfigNotFoundError|cookies? (is |are )?(missing|invalid|expired|not configured)|(missing|invalid|expired) cookies?|_COOKIES?\b/i,
  /请先登录|登录后|未登录|登录状态|登录已过期|登录失效|重新登录|cookie\s*(已)?(失效|过期|无效)|扫码登录|passport\.|\/login\b|\/signin\b|sign in to continue|login required|not logged in/i,
];
/** Upstream status codes that RSSHub quotes in its error message when a site refused it. */
const UPSTREAM_REFUSED = /\b(403 Forbidden|412 Precondition Failed|429 Too Many Requests|Response code (403|412|429))\b/i;

/** A redirect target that is a login page rather than the content asked for. */
export function isLoginLocation(location: string): boolean {
  return /passport\.|\/(login|signin|sign_in|passport|sso)\b|[?&](redirect_url|returnurl|goto|service)=/i.test(location);
}

/**
 * What an error answer (status, the first kilobytes of its body) says about the source: login,
 * blocked, or null when it says neither.
 */
export function problemOfAnswer(status: number, body: string): SourceProblem | null {
  if (BLOCKED.some((re) => re.test(body))) return 'blocked';
  if (status === 401 || LOGIN.some((re) => re.test(body))) return 'login';
  if (status === 412 || status === 429 || UPSTREAM_REFUSED.test(body)) return 'blocked';
  if (status === 403) return 'blocked';
  return null;
}

/** The problem a failed run ran into: what the fetcher saw, else the error's kind and message. */
export function problemOf(err: unknown): SourceProblem {
  const e = err as Partial<CollectError> | null;
  if (e && typeof e === 'object' && 'problem' in e && e.problem) return e.problem;
  const message = e && typeof e.message === 'string' ? e.message : '';
  if (e?.kind === 'parse') return LOGIN.some((re) => re.test(message)) ? 'login' : BLOCKED.some((re) => re.test(message)) ? 'blocked' : 'parse';
  if (e?.kind === 'fetch' && /^(timed out|cannot resolve|connection refused|connection reset|cannot fetch)/.test(message)) return 'connect';
  return 'error';
}
